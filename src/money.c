#include "money.h"

#include <string.h>

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool money_parse(const char *s, money_dec *out)
{
    /* Collect the mantissa digits and where the point falls among them,
     * then move the point by the exponent: "1.5e3" is digits 15, point 1+3. */
    char dig[MONEY_DEC_DIGITS * 2];
    int n = 0, point = -1, seen = 0;
    bool neg = false;
    memset(out, 0, sizeof *out);
    while (is_space(*s))
        s++;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    for (;; s++) {
        if (is_digit(*s)) {
            seen++;
            if (n == 0 && *s == '0' && point < 0)
                continue;   /* leading zeros of the integer part carry nothing */
            if (n >= (int)sizeof dig)
                return false;
            dig[n++] = *s;
        } else if (*s == '.' && point < 0) {
            point = n;
        } else {
            break;
        }
    }
    if (!seen)
        return false;
    if (point < 0)
        point = n;
    if (*s == 'e' || *s == 'E') {
        s++;
        bool eneg = false;
        int e = 0, edig = 0;
        if (*s == '+' || *s == '-')
            eneg = *s++ == '-';
        while (is_digit(*s)) {
            if (e > 1000)
                return false;
            e = e * 10 + (*s++ - '0');
            edig++;
        }
        if (!edig)
            return false;
        point += eneg ? -e : e;
    }
    while (is_space(*s))
        s++;
    if (*s)
        return false;
    /* Lay the digits out around the point: integer digits (padded with
     * zeros when the exponent moved the point past them), then zeros when
     * it moved before them, then the rest. */
    int k = 0;
    for (int i = 0; i < point; i++) {
        if (k >= MONEY_DEC_DIGITS)
            return false;
        out->d[k++] = i < n ? dig[i] : '0';
    }
    out->nint = k;
    for (int i = point; i < 0; i++) {
        if (k >= MONEY_DEC_DIGITS)
            return false;
        out->d[k++] = '0';
    }
    for (int j = point > 0 ? point : 0; j < n; j++) {
        if (k >= MONEY_DEC_DIGITS)
            return false;
        out->d[k++] = dig[j];
    }
    out->nfrac = k - out->nint;
    /* The integer part may start with zeros only when the digits were all
     * zeros after the point ("0.5" has none; "00" kept none either). */
    int z = 0;
    while (z < out->nint && out->d[z] == '0')
        z++;
    if (z) {
        memmove(out->d, out->d + z, (size_t)(out->nint + out->nfrac - z));
        out->nint -= z;
    }
    bool zero = true;
    for (int i = 0; i < out->nint + out->nfrac; i++)
        zero = zero && out->d[i] == '0';
    out->neg = neg && !zero;
    return true;
}

bool money_round(const money_dec *in, int decimals, money_dec *out)
{
    if (decimals < 0 || decimals > 30)
        return false;
    money_dec r = *in;
    if (r.nint + decimals > MONEY_DEC_DIGITS - 1)
        return false;
    bool up = r.nfrac > decimals && r.d[r.nint + decimals] >= '5';
    for (int i = r.nfrac; i < decimals; i++)
        r.d[r.nint + i] = '0';
    r.nfrac = decimals;
    if (up) {
        int i = r.nint + decimals - 1;
        while (i >= 0 && r.d[i] == '9')
            r.d[i--] = '0';
        if (i >= 0) {
            r.d[i]++;
        } else {   /* carried out of the top: one more integer digit */
            memmove(r.d + 1, r.d, (size_t)(r.nint + r.nfrac));
            r.d[0] = '1';
            r.nint++;
        }
    }
    bool zero = true;
    for (int i = 0; i < r.nint + r.nfrac; i++)
        zero = zero && r.d[i] == '0';
    if (zero)
        r.neg = false;
    *out = r;
    return true;
}

void money_format(const money_dec *x, bool group, buf *out)
{
    if (x->neg)
        buf_putc(out, '-');
    if (x->nint == 0)
        buf_putc(out, '0');
    for (int i = 0; i < x->nint; i++) {
        if (group && i > 0 && (x->nint - i) % 3 == 0)
            buf_putc(out, ',');
        buf_putc(out, x->d[i]);
    }
    if (x->nfrac > 0) {
        buf_putc(out, '.');
        buf_append(out, x->d + x->nint, (size_t)x->nfrac);
    }
}

bool money_to_fen(const money_dec *x, int64_t *fen)
{
    if (x->nint > 15)
        return false;
    for (int i = 2; i < x->nfrac; i++)
        if (x->d[x->nint + i] != '0')
            return false;
    int64_t v = 0;
    for (int i = 0; i < x->nint; i++)
        v = v * 10 + (x->d[i] - '0');
    for (int i = 0; i < 2; i++)
        v = v * 10 + (i < x->nfrac ? x->d[x->nint + i] - '0' : 0);
    *fen = x->neg ? -v : v;
    return true;
}

void money_fen_figures(int64_t fen, buf *out)
{
    /* Through the decimal formatter so grouping lives in one place. */
    money_dec x = {0};
    uint64_t v = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < 3)
        tmp[n++] = '0';
    for (int i = 0; i < n; i++)
        x.d[i] = tmp[n - 1 - i];
    x.nint = n - 2;
    x.nfrac = 2;
    if (x.d[0] == '0' && x.nint == 1)   /* "0.05": keep one zero, as money_format writes it */
        x.nint = 0, memmove(x.d, x.d + 1, 2);
    if (fen < 0)
        buf_putc(out, '-');
    buf_puts(out, "¥");
    money_format(&x, true, out);
}

/* The C.2 walk, shared by the capital amounts and the plain numerals:
 * every maximal run of zero digits between two non-zero digits becomes one
 * 零 (house style: the optional 零 of rule C.1.5 is always written), 万 and
 * 亿 close every non-zero group of four. */
typedef struct cn_style {
    const char *const *digit;   /* 10 */
    const char *const *unit;    /* 4: "", 拾, 佰, 仟 */
} cn_style;

static const char *const CAP_DIGIT[10] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};
static const char *const CAP_UNIT[4] = {"", "拾", "佰", "仟"};
static const char *const LOW_DIGIT[10] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
static const char *const LOW_UNIT[4] = {"", "十", "百", "千"};
static const char *const BIG_UNIT[3] = {"", "万", "亿"};

/* Writes the integer part `v` (> 0, < 10^12).  *zero_pending carries a run
 * of zeros at the end into whatever follows (角 and 分 for money). */
static void cn_integer(int64_t v, const cn_style *st, buf *out, bool *zero_pending, bool *seen)
{
    int64_t pow10[12];
    int n = 0;
    pow10[0] = 1;
    for (int i = 1; i < 12; i++)
        pow10[i] = pow10[i - 1] * 10;
    while (n < 12 && v >= pow10[n])
        n++;
    for (int p = n - 1; p >= 0; p--) {
        int dgt = (int)(v / pow10[p] % 10);
        if (dgt == 0) {
            if (*seen)
                *zero_pending = true;
        } else {
            if (*zero_pending)
                buf_puts(out, st->digit[0]);
            buf_puts(out, st->digit[dgt]);
            buf_puts(out, st->unit[p % 4]);
            *zero_pending = false;
            *seen = true;
        }
        if (p >= 4 && p % 4 == 0 && v / pow10[p] % 10000 != 0)
            buf_puts(out, BIG_UNIT[p / 4]);
    }
}

bool money_fen_capitals(int64_t fen, buf *out)
{
    static const cn_style cap = {CAP_DIGIT, CAP_UNIT};
    if (fen < 0 || fen >= MONEY_CN_LIMIT_FEN)
        return false;
    if (fen == 0) {
        buf_puts(out, "零元整");
        return true;
    }
    int64_t yuan = fen / 100;
    int jiao = (int)(fen / 10 % 10), f = (int)(fen % 10);
    bool zero_pending = false, seen = false;
    if (yuan > 0) {
        cn_integer(yuan, &cap, out, &zero_pending, &seen);
        buf_puts(out, "元");
    }
    if (jiao) {
        if (zero_pending)
            buf_puts(out, CAP_DIGIT[0]);
        buf_puts(out, CAP_DIGIT[jiao]);
        buf_puts(out, "角");
        zero_pending = false;
    } else if (seen) {
        zero_pending = true;
    }
    if (f) {
        if (zero_pending)
            buf_puts(out, CAP_DIGIT[0]);
        buf_puts(out, CAP_DIGIT[f]);
        buf_puts(out, "分");
    } else {
        buf_puts(out, "整");   /* after 元 and after 角 (rule C.1.3) */
    }
    return true;
}

bool money_number_cn(int64_t n, buf *out)
{
    static const cn_style low = {LOW_DIGIT, LOW_UNIT};
    if (n < 0 || n >= (int64_t)1000000000000)
        return false;
    if (n == 0) {
        buf_puts(out, LOW_DIGIT[0]);
        return true;
    }
    /* Counting numerals drop the 一 of a leading 一十 (十, 十一, 十万) but
     * keep it inside (一百一十): write the digits and cut it afterwards. */
    size_t start = out->len;
    bool zero_pending = false, seen = false;
    cn_integer(n, &low, out, &zero_pending, &seen);
    static const char yishi[] = "一十";
    if (!out->failed && out->len - start >= sizeof yishi - 1
        && memcmp(out->data + start, yishi, sizeof yishi - 1) == 0) {
        size_t one = strlen("一");
        memmove(out->data + start, out->data + start + one, out->len - start - one);
        out->len -= one;
        out->data[out->len] = '\0';
    }
    return true;
}
