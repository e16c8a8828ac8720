#include "textbreak.h"

#include "alloc.h"

#include <math.h>
#include <string.h>
#include <uchar.h>

/* How the breaker sees a character.  The first four are "CJK" for breaking
 * (a break is allowed next to them) and get cjk_tracking. */
enum {
    K_HAN,     /* ideograph, kana, hangul, full-width letter: gets the CJK-Latin gap */
    K_OPEN,    /* full-width opening mark: blank left half */
    K_CLOSE,   /* full-width closing mark or 点号: blank right half */
    K_CJKP,    /* other full-width punctuation/symbol (—— …… ～ ·): never compressed */
    K_LATIN,   /* letter or digit (and %): gets the CJK-Latin gap */
    K_OTHER,   /* any other non-CJK char: part of a Latin word */
    K_SPACE,   /* collapsible space */
    K_NL       /* forced break */
};

#define TB_NONE ((size_t)-1)

/* An isolated mid-line mark gives at most this much of its em to push in. */
#define TB_ISOLATED_SQUEEZE 0.25f
/* A line left this many em short to keep a date whole breaks inside it. */
#define TB_SOFT_SLACK 2.5f
/* What a moved mark keeps between its ink and its neighbour, in em. */
#define TB_INK_MARGIN 0.05f
/* Tolerance of width comparisons: float sums of a few dozen advances differ
 * from exact values by ~1e-4 pt; 0.01 pt is far below anything visible. */
#define TB_EPS 0.01f
/* Look-ahead limit for push-in: B.1 allows relaxing 禁则 after a few marks
 * in a row; it also bounds rescanning on pathological input ("。。。..."). */
#define TB_PUSHIN_MAX 8
/* How far an emergency break may step back to avoid a 禁则 violation. */
#define TB_EMERGENCY_BACK 4

typedef struct tb_ctx {
    const tb_char *c;
    size_t n;
    const tb_params *p;
    /* Cache of the last Latin word looked at for URL-ness: [ws, we). */
    size_t url_ws, url_we;
    bool url_is;
} tb_ctx;

/* Adjustments applied to one line.  All zero (keep = INFINITY) measures the
 * natural width. */
typedef struct tb_plan {
    float keep;         /* push-in reserve still left uncompressed (taken first-come) */
    float gap_frac;     /* share of each CJK-Latin gap's stretch capacity used */
    float gap_extra;    /* pt added to every gap beyond its capacity */
    float space_frac;   /* same for Latin spaces */
    float space_extra;
    float cjk_extra;    /* pt added between adjacent CJK chars (均排) */
    float all_extra;    /* pt added between all glyphs (last resort) */
} tb_plan;

/* Running measure of a line, fed one kept char at a time. */
typedef struct tb_meas {
    float x;            /* pen after the last glyph's cell */
    size_t last;        /* last kept char, TB_NONE at line start */
    int last_kind;
    float reserve;      /* compressible mid-line punctuation (push-in), pt */
    float gap_cap, space_cap;
    size_t ngaps, nspaces, ncjk, nslots, nkept;
    size_t nletters;    /* kept chars that are not punctuation */
    bool all_punct;
    float max_size;
    /* Output of the last tb_meas_add: */
    float cut_prev;     /* pt taken from the right of the previous char's cell */
    float cut_this;     /* pt taken from the left of this char's cell */
    float origin;       /* origin of the char just added */
    float sp_origin;    /* origin of the space before it, when sp_kept */
    bool sp_kept;
} tb_meas;

/* ---------------------------------------------------------------------- */
/* Character classes                                                       */

bool tb_is_cjk(uint32_t cp)
{
    if (cp < 0x1100)
        return false;
    if (cp >= 0x4E00 && cp <= 0x9FFF)
        return true;
    return (cp <= 0x11FF) ||                       /* Hangul Jamo */
           (cp >= 0x2E80 && cp <= 0x2FFF) ||       /* radicals, IDC */
           (cp >= 0x3000 && cp <= 0x4DBF) ||       /* symbols, kana, bopomofo, enclosed, Ext A */
           (cp >= 0x4DC0 && cp <= 0x4DFF) ||       /* Yijing hexagrams */
           (cp >= 0xA000 && cp <= 0xA4CF) ||       /* Yi */
           (cp >= 0xA960 && cp <= 0xA97F) ||
           (cp >= 0xAC00 && cp <= 0xD7FF) ||       /* Hangul syllables */
           (cp >= 0xF900 && cp <= 0xFAFF) ||       /* compatibility ideographs */
           (cp >= 0xFE10 && cp <= 0xFE1F) ||       /* vertical forms */
           (cp >= 0xFE30 && cp <= 0xFE4F) ||       /* compatibility forms */
           (cp >= 0xFF01 && cp <= 0xFF60) ||       /* full-width forms (not half-width kana) */
           (cp >= 0xFFE0 && cp <= 0xFFE6) ||
           (cp >= 0x1B000 && cp <= 0x1B16F) ||     /* kana supplement */
           (cp >= 0x1F200 && cp <= 0x1F2FF) ||     /* enclosed ideographic supplement */
           (cp >= 0x20000 && cp <= 0x3FFFF);       /* Ext B and later, planes 2-3 */
}

bool tb_no_line_start(uint32_t cp)
{
    if (cp >= 0x3400 && cp <= 0xF8FF)
        return false;       /* fast path: ideographs, hangul */
    switch (cp) {
    /* 点号 */
    case 0x3002: case 0xFF0C: case 0x3001: case 0xFF1B: case 0xFF1A:
    case 0xFF1F: case 0xFF01: case 0xFF0E:
    /* closing quotes, brackets, book-title marks */
    case 0x201D: case 0x2019: case 0x300F: case 0x300D:
    case 0xFF09: case 0x3015: case 0x3011: case 0x3017: case 0xFF3D: case 0xFF5D:
    case 0x3019: case 0x301B: case 0xFF60: case 0x301E: case 0x301F:
    case 0x300B: case 0x3009:
    /* 连接号 (a single 一字线), 间隔号, 分隔号 */
    case 0x2013: case 0x2014: case 0xFF5E: case 0x00B7: case 0x002F: case 0xFF0F:
    /* 省略号: "……" never begins a line (it belongs to what it trails) */
    case 0x2026: case 0x22EF:
    /* [practice] extension */
    case '!': case ')': case ',': case '.': case ':': case ';': case '?':
    case ']': case '}': case '%': case 0xFF05: case 0x2030: case 0x00B0:
    case 0x2103: case 0x2032: case 0x2033:
        return true;
    default:
        return false;
    }
}

bool tb_no_line_end(uint32_t cp)
{
    if (cp >= 0x3400 && cp <= 0xF8FF)
        return false;
    switch (cp) {
    case 0x201C: case 0x2018: case 0x300E: case 0x300C: case 0x301D:
    case 0xFF08: case 0x3014: case 0x3010: case 0x3016: case 0xFF3B: case 0xFF5B:
    case 0x3018: case 0x301A: case 0xFF5F:
    case 0x300A: case 0x3008:
    case 0x002F: case 0xFF0F:
    case '(': case '[': case '{': case 0x00A5: case 0xFFE5: case '$':
        return true;
    default:
        return false;
    }
}

static bool tb_open_mark(uint32_t cp)
{
    switch (cp) {
    case 0x201C: case 0x2018: case 0x300E: case 0x300C: case 0x301D:
    case 0xFF08: case 0x3014: case 0x3010: case 0x3016: case 0xFF3B: case 0xFF5B:
    case 0x3018: case 0x301A: case 0xFF5F: case 0x300A: case 0x3008:
        return true;
    default:
        return false;
    }
}

/* Marks whose adjustable (blank) half is on the right in mainland style. */
static bool tb_close_mark(uint32_t cp)
{
    switch (cp) {
    case 0x3002: case 0xFF0C: case 0x3001: case 0xFF1B: case 0xFF1A:
    case 0xFF1F: case 0xFF01: case 0xFF0E:
    case 0x201D: case 0x2019: case 0x300F: case 0x300D:
    case 0xFF09: case 0x3015: case 0x3011: case 0x3017: case 0xFF3D: case 0xFF5D:
    case 0x3019: case 0x301B: case 0xFF60: case 0x301E: case 0x301F:
    case 0x300B: case 0x3009:
        return true;
    default:
        return false;
    }
}

/* Chars of the CJK blocks that are punctuation or symbols, not letters. */
static bool tb_cjk_symbol(uint32_t cp)
{
    if (cp >= 0x3000 && cp <= 0x303F)
        return !((cp >= 0x3005 && cp <= 0x3007) || (cp >= 0x3021 && cp <= 0x3029) ||
                 (cp >= 0x3038 && cp <= 0x303C));
    if (cp == 0x30FB)
        return true;
    if ((cp >= 0xFE10 && cp <= 0xFE1F) || (cp >= 0xFE30 && cp <= 0xFE4F))
        return true;
    if (cp >= 0xFF01 && cp <= 0xFF60)
        return !((cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
                 (cp >= 0xFF41 && cp <= 0xFF5A));
    return cp >= 0xFFE0 && cp <= 0xFFE6;
}

/* Code points whose width depends on the font (East Asian Ambiguous):
 * quotes, dashes, ellipsis, middle dot, ℃... In a CJK font they take a full
 * cell and behave as CJK punctuation; in a Latin font they are Latin. */
static bool tb_ambiguous(uint32_t cp)
{
    return cp == 0x00B7 || cp == 0x00B0 || (cp >= 0x2010 && cp <= 0x203B) ||
           (cp >= 0x2100 && cp <= 0x2BFF) || (cp >= 0x2E3A && cp <= 0x2E3B);
}

static bool tb_wide(const tb_char *ch) { return ch->advance >= 0.75f * ch->size; }

static int tb_kind(const tb_char *ch)
{
    uint32_t cp = ch->cp;
    if (cp < 0x80) {
        if (cp == '\n')
            return K_NL;
        if (cp <= 0x20 || cp == 0x7F)
            return K_SPACE;
        if ((cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') || cp == '%')
            return K_LATIN;
        return K_OTHER;
    }
    if (cp >= 0x4E00 && cp <= 0x9FFF)
        return K_HAN;
    if (tb_is_cjk(cp)) {
        if (!tb_cjk_symbol(cp))
            return K_HAN;
        /* A proportional font may give a mark less than a full cell: then
         * there is no blank half to remove. */
        if (tb_wide(ch)) {
            if (tb_open_mark(cp))
                return K_OPEN;
            if (tb_close_mark(cp))
                return K_CLOSE;
        }
        return K_CJKP;
    }
    if (tb_ambiguous(cp)) {
        if (!tb_wide(ch))
            return K_OTHER;
        if (tb_open_mark(cp))
            return K_OPEN;
        if (tb_close_mark(cp))
            return K_CLOSE;
        return K_CJKP;
    }
    if ((cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x370 && cp <= 0x52F))
        return K_LATIN;
    if ((cp >= 0x2000 && cp <= 0x200A) || cp == 0x205F)
        return K_SPACE;
    return K_OTHER;
}

static bool tb_kind_cjk(int k) { return k <= K_CJKP; }

static bool tb_kind_word(int k) { return k == K_LATIN || k == K_OTHER; }

static bool tb_digit(uint32_t cp) { return cp >= '0' && cp <= '9'; }

/* Punctuation for push-in (a no-start cluster) and for the 孤字 test. */
static bool tb_punct(const tb_char *ch, int k)
{
    uint32_t cp = ch->cp;
    if (k == K_OPEN || k == K_CLOSE || k == K_CJKP || tb_no_line_start(cp))
        return true;
    if (k != K_OTHER)
        return false;
    return cp < 0x80 || (cp >= 0xA1 && cp <= 0xBF) || (cp >= 0x2000 && cp <= 0x206F);
}

/* Symbols that stay with a number written directly before them (B.4). */
static bool tb_unit_char(uint32_t cp)
{
    return cp == '%' || cp == 0xFF05 || cp == 0x2030 || cp == 0x2103 || cp == 0x2109 ||
           cp == 0x00B0 || cp == 0x2032 || cp == 0x2033 || cp == 0x2126 ||
           (cp >= 0x3380 && cp <= 0x33DF);
}

/* Unit symbols that stay with a number across one space ("25 kg", B.4). */
static const char32_t *const tb_units[] = {
    U"g", U"kg", U"mg", U"t", U"m", U"km", U"cm", U"mm", U"μm", U"nm", U"m²", U"m³",
    U"km²", U"L", U"mL", U"ml", U"h", U"min", U"s", U"ms", U"μs", U"ns", U"Hz", U"kHz",
    U"MHz", U"GHz", U"V", U"kV", U"mV", U"A", U"mA", U"W", U"kW", U"MW", U"Wh", U"kWh",
    U"VA", U"kVA", U"Ah", U"mAh", U"B", U"KB", U"kB", U"MB", U"GB", U"TB", U"PB",
    U"KiB", U"MiB", U"GiB", U"TiB", U"bit", U"bps", U"kbps", U"Kbps", U"Mbps", U"Gbps",
    U"dB", U"dBm", U"Pa", U"kPa", U"MPa", U"rpm", U"°C", U"℃", U"%", U"‰", U"IOPS",
};

/* Is the word starting at j (up to 8 chars, trailing ASCII punctuation
 * ignored) a unit symbol? */
static bool tb_unit_word(const tb_ctx *ctx, size_t j)
{
    size_t e = j;
    while (e < ctx->n && e - j <= 8 && tb_kind_word(tb_kind(&ctx->c[e])))
        e++;
    while (e > j) {
        uint32_t cp = ctx->c[e - 1].cp;
        if (!(cp < 0x80 && (cp == '.' || cp == ',' || cp == ';' || cp == ':' || cp == '!' ||
                            cp == '?' || cp == ')')))
            break;
        e--;
    }
    size_t len = e - j;
    if (len == 0 || len > 5)
        return false;
    for (size_t u = 0; u < sizeof tb_units / sizeof tb_units[0]; u++) {
        const char32_t *s = tb_units[u];
        size_t k = 0;
        while (k < len && s[k] && s[k] == ctx->c[j + k].cp)
            k++;
        if (k == len && !s[k])
            return true;
    }
    return false;
}

/* URL break chars (B.4 [practice]). */
static bool tb_url_break_char(uint32_t cp)
{
    return cp == '/' || cp == '.' || cp == '-' || cp == '_' || cp == '?' || cp == '&' || cp == '=';
}

/* Is the Latin word containing i a URL ("://" inside, or "www." first)?
 * Cached per word so that breaking a long URL stays linear. */
static bool tb_url_word(tb_ctx *ctx, size_t i)
{
    if (i >= ctx->url_ws && i < ctx->url_we)
        return ctx->url_is;
    const tb_char *c = ctx->c;
    size_t ws = i, we = i + 1;
    while (ws > 0 && tb_kind_word(tb_kind(&c[ws - 1])))
        ws--;
    while (we < ctx->n && tb_kind_word(tb_kind(&c[we])))
        we++;
    bool is = we - ws >= 4 && (c[ws].cp | 0x20) == 'w' && (c[ws + 1].cp | 0x20) == 'w' &&
              (c[ws + 2].cp | 0x20) == 'w' && c[ws + 3].cp == '.';
    for (size_t k = ws; !is && k + 2 < we; k++)
        is = c[k].cp == ':' && c[k + 1].cp == '/' && c[k + 2].cp == '/';
    ctx->url_ws = ws;
    ctx->url_we = we;
    ctx->url_is = is;
    return is;
}

/* Inside a Latin word that is not a URL (an id such as S-web-2026-W47, a
 * path, a file name): after / . - _ ? a line may break, but only where the
 * word would otherwise be cut between any two characters; never inside a
 * decimal number (2.5) and not after a sign that starts the word. */
static bool tb_weak_break(const tb_ctx *ctx, size_t p, size_t j)
{
    const tb_char *c = ctx->c;
    if (p + 1 != j || !tb_url_break_char(c[p].cp) || tb_url_break_char(c[j].cp))
        return false;
    if (!tb_kind_word(tb_kind(&c[p])) || !tb_kind_word(tb_kind(&c[j])))
        return false;
    if (p == 0 || !tb_kind_word(tb_kind(&c[p - 1])))
        return false;   /* -5, .net: the mark opens the word */
    return !(c[p].cp == '.' && tb_digit(c[p - 1].cp) && tb_digit(c[j].cp));
}

/* 禁则 for "j starts a line", with the 破折号 exception: a "——" may start a
 * line at GB法 level, only a single 一字线 may not. */
static bool tb_no_start_at(const tb_ctx *ctx, size_t j)
{
    uint32_t cp = ctx->c[j].cp;
    if (!tb_no_line_start(cp))
        return false;
    return !(cp == 0x2014 && j + 1 < ctx->n && ctx->c[j + 1].cp == 0x2014);
}

/* Pairs that are one mark and never split (B.4). */
static bool tb_nosplit_pair(uint32_t a, uint32_t b)
{
    return a == b && (a == 0x2014 || a == 0x2026 || a == 0x22EF || a == 0x2E3A);
}

/* Chinese counters and units written straight after a number: the number
 * and its unit are one word (2026年, 8日, 47周, 3起, 15分). */
static bool tb_cn_unit(uint32_t cp)
{
    switch (cp) {
    case 0x5E74: case 0x6708: case 0x65E5: case 0x53F7: case 0x65F6: case 0x5206: case 0x79D2:   /* 年月日号时分秒 */
    case 0x70B9: case 0x5468: case 0x5929: case 0x5C0F: case 0x5143: case 0x89D2: case 0x4E07:   /* 点周天小元角万 */
    case 0x4EBF: case 0x8D77: case 0x6B21: case 0x4E2A: case 0x9879: case 0x4EF6: case 0x4EFD:   /* 亿起次个项件份 */
    case 0x9875: case 0x6761: case 0x5957: case 0x53F0: case 0x4EBA: case 0x540D: case 0x5BB6:   /* 页条套台人名家 */
    case 0x7EA7: case 0x500D: case 0x5C81: case 0x5EA6: case 0x7AE0: case 0x8282: case 0x5B63:   /* 级倍岁度章节季 */
        return true;
    default:
        return false;
    }
}

static bool tb_sign(uint32_t cp) { return cp == 0x2212 || cp == '+' || cp == '-' || cp == 0x00B1 || cp == 0xFF0B; }

static bool tb_range_dash(uint32_t cp) { return cp == 0x2014 || cp == 0x2013 || cp == 0xFF5E || cp == '~'; }

/* Numbers stay whole (issue: "2027 年 2 月 8"/"日", "08:41—"/"10:48",
 * "（−"/"0.5）"): no break between a number and its unit, inside a date
 * or time written with units (2026年2月8日, 10时5分), after 第, beside the
 * dash of a range between numbers, or after a sign. */
static bool tb_number_holds(const tb_ctx *ctx, size_t p, size_t j, bool space)
{
    const tb_char *c = ctx->c;
    uint32_t a = c[p].cp, b = c[j].cp;
    if (tb_digit(a) && tb_cn_unit(b))
        return true;
    if ((b == 0x949F || b == 0x65F6) && (a == 0x5206 || a == 0x5C0F) && p > 0 && tb_digit(c[p - 1].cp))
        return true;   /* 15分钟, 3小时: a unit of two characters */
    if (space)
        return false;
    if (tb_digit(b) && a == 0x7B2C)
        return true;   /* 第3 */
    if (tb_digit(a) && tb_range_dash(b) && j + 1 < ctx->n && tb_digit(c[j + 1].cp))
        return true;   /* 08:41|—10:48 */
    if (tb_range_dash(a) && tb_digit(b) && p > 0 && tb_digit(c[p - 1].cp))
        return true;   /* 08:41—|10:48 */
    return tb_sign(a) && tb_digit(b) && (p == 0 || !tb_digit(c[p - 1].cp));
}

/* Inside a date or time written with units (2026年|2月|8日, 10时|5分): a
 * break taken only when keeping the date whole would leave a line more
 * than TB_SOFT_SLACK em short, or a cell too narrow for the date. */
static bool tb_soft_break(const tb_ctx *ctx, size_t p, size_t j)
{
    const tb_char *c = ctx->c;
    return p + 1 == j && tb_digit(c[j].cp) && tb_cn_unit(c[p].cp) && p > 0 && tb_digit(c[p - 1].cp);
}

/* May a line break before kept char j, whose previous kept char is p
 * (chars strictly between them are spaces)? */
static bool tb_can_break(tb_ctx *ctx, size_t p, int kp, size_t j, int kj)
{
    const tb_char *c = ctx->c;
    uint32_t a = c[p].cp, b = c[j].cp;
    bool space = p + 1 < j;
    if (kp == K_HAN && kj == K_HAN)
        return true;        /* fast path: no letter is in any 禁则 table */
    if (tb_number_holds(ctx, p, j, space))
        return false;
    if (tb_soft_break(ctx, p, j))
        return false;       /* 2026年|7月: only as tb_find_break's soft break */
    if (!space && tb_nosplit_pair(a, b))
        return false;
    if (tb_no_start_at(ctx, j))
        return false;
    if (tb_digit(a) && tb_unit_char(b))
        return false;
    if (!space && tb_kind_word(kp) && tb_kind_word(kj)) {
        /* Inside a Latin word: only the URL break points, and there the
         * URL rule wins over 分隔号 "/" not ending a line. */
        return tb_url_break_char(a) && !tb_url_break_char(b) && tb_url_word(ctx, p);
    }
    if (tb_no_line_end(a))
        return false;
    if (space)
        return !(tb_digit(a) && tb_kind_word(kj) && tb_unit_word(ctx, j));
    return tb_kind_cjk(kp) || tb_kind_cjk(kj);
}

/* ---------------------------------------------------------------------- */
/* Measuring                                                               */

static const tb_plan tb_natural = {INFINITY, 0, 0, 0, 0, 0, 0};

static void tb_meas_init(tb_meas *m)
{
    memset(m, 0, sizeof *m);
    m->last = TB_NONE;
    m->all_punct = true;
}

/* Compressible half of a mark: records it in the reserve and returns how
 * much of it the plan compresses (marks met first stay uncompressed). */
static float tb_squeeze(tb_meas *m, tb_plan *pl, float cap)
{
    m->reserve += cap;
    float keep = cap < pl->keep ? cap : pl->keep;
    pl->keep -= keep;
    return cap - keep;
}

/* Right edge of the line if it ended after the last char: a closing mark at
 * line end takes only its ink half (B.6, GB/T 15834 §5.1.10). */
static float tb_extent(const tb_ctx *ctx, const tb_meas *m)
{
    if (m->last == TB_NONE)
        return 0;
    if (ctx->p->compress_punct && m->last_kind == K_CLOSE)
        return m->x - 0.5f * ctx->c[m->last].size;
    return m->x;
}

/* Appends kept char j (kind kj).  sp is the first space of the run between
 * the previous kept char and j, or TB_NONE. */
static void tb_meas_add(const tb_ctx *ctx, tb_meas *m, size_t j, int kj, size_t sp, tb_plan *pl)
{
    const tb_params *p = ctx->p;
    const tb_char *cj = &ctx->c[j];
    float x = m->x;
    m->sp_kept = false;
    m->cut_prev = m->cut_this = 0;
    if (m->last != TB_NONE) {
        const tb_char *cp = &ctx->c[m->last];
        int kp = m->last_kind;
        bool pcjk = tb_kind_cjk(kp), jcjk = tb_kind_cjk(kj);
        if (p->compress_punct) {
            if (sp == TB_NONE && kp == K_CLOSE && (kj == K_OPEN || kj == K_CLOSE)) {
                m->cut_prev = 0.5f * cp->size;   /* 。” ）， 》《: the closing mark's right half goes */
            } else if (sp == TB_NONE && kp == K_OPEN && kj == K_OPEN) {
                m->cut_this = 0.5f * cj->size;   /* 《（: the second mark's left half goes */
            } else {
                /* An isolated mark gives at most a quarter em to push a line
                 * in: at half width ，、 read as ASCII (clreq 3.1.6). */
                if (kp == K_CLOSE)
                    m->cut_prev = tb_squeeze(m, pl, TB_ISOLATED_SQUEEZE * cp->size);
                if (kj == K_OPEN)
                    m->cut_this = tb_squeeze(m, pl, TB_ISOLATED_SQUEEZE * cj->size);
            }
            x -= m->cut_prev + m->cut_this;
        }
        bool gap = (kp == K_HAN && kj == K_LATIN) || (kp == K_LATIN && kj == K_HAN);
        if (gap) {
            /* A source space here collapses into the gap (B.7). */
            float em = kp == K_HAN ? cp->size : cj->size;
            float cap = (0.5f - p->cjk_latin_gap) * em;
            if (cap < 0)
                cap = 0;
            x += p->cjk_latin_gap * em + pl->gap_frac * cap + pl->gap_extra;
            m->gap_cap += cap;
            m->ngaps++;
        } else if (sp != TB_NONE && pcjk == jcjk) {
            /* Spaces next to CJK on one side only are dropped: CJK text
             * takes no spaces, and punctuation takes no gap. */
            const tb_char *cs = &ctx->c[sp];
            float cap = 0.5f * cs->size;
            m->sp_kept = true;
            m->sp_origin = x;
            x += cs->advance + pl->space_frac * cap + pl->space_extra + pl->all_extra;
            m->space_cap += cap;
            m->nspaces++;
            m->nslots++;
        } else if (sp == TB_NONE && pcjk && jcjk) {
            x += pl->cjk_extra;
            m->ncjk++;
        }
        x += pl->all_extra;
        m->nslots++;
    }
    m->origin = x;
    x += cj->advance;
    if (tb_kind_cjk(kj))
        x += p->cjk_tracking;
    m->x = x;
    m->last = j;
    m->last_kind = kj;
    m->nkept++;
    if (!tb_punct(cj, kj)) {
        m->all_punct = false;
        m->nletters++;
    }
    if (cj->size > m->max_size)
        m->max_size = cj->size;
}

/* ---------------------------------------------------------------------- */
/* Breaking                                                                */

static float tb_avail(const tb_params *p, size_t line_no)
{
    return p->width - (line_no == 0 ? p->first_indent : p->rest_indent);
}

/* Previous kept (non-space) char before i, not before lo; TB_NONE if none. */
static size_t tb_prev_kept(const tb_ctx *ctx, size_t i, size_t lo)
{
    while (i > lo) {
        i--;
        if (tb_kind(&ctx->c[i]) != K_SPACE)
            return i;
    }
    return TB_NONE;
}

/* Last resort inside an unbreakable run: break before f, or up to a few
 * chars earlier when that keeps 禁则 (carry a char down with a no-start
 * mark).  first is the line's first kept char; the result is > first. */
static size_t tb_emergency(const tb_ctx *ctx, size_t first, size_t f)
{
    size_t e = f;
    for (int step = 0; step <= TB_EMERGENCY_BACK && e > first; step++) {
        size_t pk = tb_prev_kept(ctx, e, first);
        if (pk == TB_NONE)
            break;
        if (!tb_no_start_at(ctx, e) && !tb_no_line_end(ctx->c[pk].cp))
            return e;
        if (pk == first)
            break;
        e = pk;
    }
    return f;
}

/* Finds the end of the line starting at s.  Returns the end (exclusive;
 * includes the '\n' of a forced break), sets *forced, and *nkept to the
 * number of glyphs the line holds. */
static size_t tb_find_break(tb_ctx *ctx, size_t s, float avail, bool *forced, size_t *nkept)
{
    const tb_char *c = ctx->c;
    tb_meas m;
    tb_plan pl = tb_natural;
    size_t last_bo = TB_NONE, last_soft = TB_NONE, last_weak = TB_NONE, first = TB_NONE, f = TB_NONE, sp = TB_NONE, i;
    float ext_bo = 0;
    bool over = false;

    tb_meas_init(&m);
    *forced = false;
    for (i = s; i < ctx->n; i++) {
        int k = tb_kind(&c[i]);
        if (k == K_NL)
            break;
        if (k == K_SPACE) {
            if (m.last != TB_NONE && sp == TB_NONE)
                sp = i;
            continue;
        }
        bool bo = m.last != TB_NONE && tb_can_break(ctx, m.last, m.last_kind, i, k);
        if (bo && over) {
            /* End of a no-start cluster that overflowed: push it in if the
             * line's punctuation can absorb it, else push out. */
            *nkept = m.nkept;
            if (ctx->p->compress_punct && tb_extent(ctx, &m) - m.reserve <= avail + TB_EPS)
                return i;
            break;
        }
        if (bo) {
            last_bo = i;
            ext_bo = tb_extent(ctx, &m);
        } else if (m.last != TB_NONE && tb_soft_break(ctx, m.last, i)) {
            last_soft = i;
        } else if (m.last != TB_NONE && tb_weak_break(ctx, m.last, i)) {
            last_weak = i;
        }
        tb_meas t = m;
        tb_meas_add(ctx, &t, i, k, sp, &pl);
        sp = TB_NONE;
        if (m.last == TB_NONE) {
            first = i;      /* a line always takes its first char, however wide */
        } else if (!over && tb_extent(ctx, &t) > avail + TB_EPS) {
            if (bo) {
                *nkept = m.nkept;
                return i;
            }
            over = true;
            f = i;
        }
        if (over && (!tb_punct(&c[i], k) || i - f >= TB_PUSHIN_MAX))
            break;          /* not a punctuation cluster: push out now */
        m = t;
    }
    if (!over) {
        *nkept = m.nkept;
        if (i < ctx->n) {
            *forced = true;
            return i + 1;
        }
        return i;
    }
    if (i >= ctx->n || c[i].cp == '\n') {
        /* The paragraph or segment ends inside the cluster. */
        if (ctx->p->compress_punct && tb_extent(ctx, &m) - m.reserve <= avail + TB_EPS) {
            *nkept = m.nkept;
            if (i < ctx->n) {
                *forced = true;
                return i + 1;
            }
            return i;
        }
    }
    *nkept = 1;  /* only used to tell empty lines apart */
    if (last_soft != TB_NONE
        && (last_bo == TB_NONE || (last_soft > last_bo && avail - ext_bo > TB_SOFT_SLACK * c[last_bo].size)))
        return last_soft;
    if (last_bo != TB_NONE)
        return last_bo;
    if (last_weak != TB_NONE && last_weak > first)
        return last_weak;
    return tb_emergency(ctx, first, f);
}

/* Measures chars [a, e) of a line at natural width. */
static void tb_measure(const tb_ctx *ctx, size_t a, size_t e, tb_meas *m)
{
    tb_plan pl = tb_natural;
    size_t sp = TB_NONE;
    tb_meas_init(m);
    for (size_t i = a; i < e; i++) {
        int k = tb_kind(&ctx->c[i]);
        if (k == K_NL)
            break;
        if (k == K_SPACE) {
            if (m->last != TB_NONE && sp == TB_NONE)
                sp = i;
            continue;
        }
        tb_meas_add(ctx, m, i, k, sp, &pl);
        sp = TB_NONE;
    }
}

/* 孤字 (B.5 point 5): when the last line of a paragraph (or of a segment
 * ended by '\n') holds a single char or only punctuation, move the previous
 * soft break back by one break opportunity. */
static void tb_orphan(tb_ctx *ctx, tb_line *prev, tb_line *last, float last_avail)
{
    tb_meas m;
    tb_measure(ctx, last->first_char, last->end_char, &m);
    if (m.nkept == 0 || m.nletters > 1)
        return;   /* "持。" is a single character too */
    size_t lo = prev->first_char;
    while (lo < prev->end_char && tb_kind(&ctx->c[lo]) == K_SPACE)
        lo++;
    size_t k = prev->end_char;
    for (;;) {
        size_t j = tb_prev_kept(ctx, k, lo);
        if (j == TB_NONE || j == lo)
            return;
        size_t pk = tb_prev_kept(ctx, j, lo);
        if (pk == TB_NONE)
            return;
        if (tb_can_break(ctx, pk, tb_kind(&ctx->c[pk]), j, tb_kind(&ctx->c[j]))) {
            tb_measure(ctx, j, last->end_char, &m);
            float ext = tb_extent(ctx, &m);
            if (ctx->p->compress_punct)
                ext -= m.reserve;
            if (ext > last_avail + TB_EPS)
                return;
            prev->end_char = j;
            last->first_char = j;
            return;
        }
        k = j;
    }
}

/* ---------------------------------------------------------------------- */
/* Layout of one line into pieces                                          */

static bool tb_line_forced(const tb_ctx *ctx, const tb_line *l)
{
    return l->end_char > l->first_char && ctx->c[l->end_char - 1].cp == '\n';
}

/* Appends the glyphs of one line to the result as pieces. */
typedef struct tb_emitter {
    tb_result *out;
    tb_line *l;
    const tb_plan *pl;
    float last_x;       /* where the current piece draws its last glyph */
} tb_emitter;

/* Adds glyph j (kind k) at x, extending the current piece when the piece's
 * uniform spacing already puts j there: a run draws glyph i at
 * x + sum(advance + Tc) of the glyphs before it. */
static int tb_emit(const tb_ctx *ctx, tb_emitter *em, size_t j, int k, float x)
{
    tb_result *out = em->out;
    const tb_char *cj = &ctx->c[j];
    if (em->l->npieces > 0) {
        tb_piece *pc = &out->pieces[out->npieces - 1];
        size_t last = pc->first + pc->count - 1;
        float want = em->last_x + ctx->c[last].advance + pc->spacing;
        if (j == last + 1 && pc->style == cj->style && fabsf(want - x) < 1e-3f) {
            /* Track where the run really draws it, so that rounding
             * differences cannot add up along a long run. */
            pc->count++;
            em->last_x = want;
            return 0;
        }
    }
    if (or_grow(&out->pieces, &out->pieces_cap, out->npieces + 1, sizeof *out->pieces) != 0)
        return -1;
    tb_piece *pc = &out->pieces[out->npieces++];
    pc->first = j;
    pc->count = 1;
    pc->x = x;
    /* The spacing a glyph of this kind gets inside a plain run. */
    pc->spacing = em->pl->all_extra;
    if (tb_kind_cjk(k))
        pc->spacing += ctx->p->cjk_tracking + em->pl->cjk_extra;
    pc->style = cj->style;
    em->l->npieces++;
    em->last_x = x;
    return 0;
}

/* B.5 step 3, spread: CJK-Latin gaps and spaces first take up to half of
 * their room (a gap ¼ → ⅜ em), then what is left is shared evenly by every
 * gap of the line — CJK pairs (均排), CJK-Latin gaps and spaces — where no
 * CJK-Latin gap grows past ½ em and no space past 1½ of its width; only a
 * line with nothing else to stretch is letter-spaced. */
static void tb_justify(const tb_meas *m, tb_plan *pl, float slack)
{
    float cap = m->gap_cap + m->space_cap;
    if (cap > 0) {
        float frac = slack < 0.5f * cap ? slack / cap : 0.5f;
        pl->gap_frac = pl->space_frac = frac;
        slack -= frac * cap;
    }
    size_t shares = m->ncjk + (m->gap_cap > 0 ? m->ngaps : 0) + (m->space_cap > 0 ? m->nspaces : 0);
    if (slack <= TB_EPS)
        return;
    if (shares == 0) {
        if (m->nspaces)
            pl->space_extra = slack / (float)m->nspaces;
        else if (m->ngaps)
            pl->gap_extra = slack / (float)m->ngaps;
        else
            pl->all_extra = slack / (float)m->nslots;
        return;
    }
    float each = slack / (float)shares, spill = 0;
    if (m->gap_cap > 0 && m->ngaps) {
        float want = each * (float)m->ngaps, room = (1.0f - pl->gap_frac) * m->gap_cap;
        float take = want < room ? want : room;
        pl->gap_frac += take / m->gap_cap;
        spill += want - take;
    }
    if (m->space_cap > 0 && m->nspaces) {
        float want = each * (float)m->nspaces, room = (1.0f - pl->space_frac) * m->space_cap;
        float take = want < room ? want : room;
        pl->space_frac += take / m->space_cap;
        spill += want - take;
    }
    if (m->ncjk)
        pl->cjk_extra = each + spill / (float)m->ncjk;
    else if (spill > 0)
        pl->all_extra = spill / (float)m->nslots;
}

/* How far a compressed mark's glyph moves so that its ink keeps clear of
 * its neighbours: `cut_r` pt were taken from the right of its cell, `cut_l`
 * from the left.  A mark whose blank lies on the cut side (mainland corner
 * marks) does not move; a centred one moves by what its blank lacks, as
 * far as the blank on its other side allows. */
static float tb_ink_shift(const tb_char *c, float cut_l, float cut_r)
{
    if (c->ink_l <= 0 && c->ink_r <= 0)
        return 0;
    float margin = TB_INK_MARGIN * c->size, shift = 0;
    if (cut_r > 0) {
        float need = cut_r - (c->ink_r - margin), room = c->ink_l - margin;
        if (need > 0 && room > 0)
            shift -= need < room ? need : room;
    }
    if (cut_l > 0) {
        float need = cut_l - (c->ink_l - margin), room = c->ink_r - margin;
        if (need > 0 && room > 0)
            shift += need < room ? need : room;
    }
    return shift;
}

/* Works out the plan of line li (push-in, justification) and its start x,
 * then emits its pieces. */
static int tb_layout_line(const tb_ctx *ctx, tb_result *out, size_t li)
{
    const tb_params *p = ctx->p;
    tb_line *l = &out->lines[li];
    float indent = li == 0 ? p->first_indent : p->rest_indent;
    float avail = p->width - indent;
    bool last = l->end_char >= ctx->n || tb_line_forced(ctx, l);
    tb_meas m;
    tb_plan pl = tb_natural;

    l->first_piece = out->npieces;
    l->npieces = 0;
    tb_measure(ctx, l->first_char, l->end_char, &m);
    if (m.nkept == 0) {
        l->width = 0;
        l->max_size = 0;
        for (size_t i = l->first_char; i < l->end_char; i++)
            if (ctx->c[i].size > l->max_size)
                l->max_size = ctx->c[i].size;
        return 0;
    }
    float ext = tb_extent(ctx, &m);
    if (p->compress_punct && ext > avail + TB_EPS && m.reserve > 0) {
        /* Push-in line: compress mid-line punctuation just enough. */
        float d = ext - avail < m.reserve ? ext - avail : m.reserve;
        pl.keep = m.reserve - d;
        ext -= d;
    }
    float slack = avail - ext;
    float x0 = indent;
    if (p->align == TB_JUSTIFY && !last && slack > 0 && m.nkept > 1)
        tb_justify(&m, &pl, slack); else if (slack > 0 && p->align == TB_CENTER) {
        x0 += slack / 2;
    } else if (slack > 0 && p->align == TB_RIGHT) {
        x0 += slack;
    }

    /* Second pass with the plan: the same arithmetic, now emitting.  A
     * glyph is emitted once the next one is placed, when it is known how
     * much was taken from the right of its cell. */
    tb_plan run = pl;
    tb_emitter em = {out, l, &pl, 0};
    tb_meas mb;
    size_t sp = TB_NONE, pend = TB_NONE;
    int pend_kind = K_HAN;
    float pend_x = 0, pend_cut_l = 0;
    tb_meas_init(&mb);
    for (size_t i = l->first_char; i < l->end_char; i++) {
        int k = tb_kind(&ctx->c[i]);
        if (k == K_NL)
            break;
        if (k == K_SPACE) {
            if (mb.last != TB_NONE && sp == TB_NONE)
                sp = i;
            continue;
        }
        tb_meas_add(ctx, &mb, i, k, sp, &run);
        if (pend != TB_NONE && tb_emit(ctx, &em, pend, pend_kind,
                                       pend_x + tb_ink_shift(&ctx->c[pend], pend_cut_l, mb.cut_prev)) != 0)
            return -1;
        if (mb.sp_kept && tb_emit(ctx, &em, sp, K_SPACE, x0 + mb.sp_origin) != 0)
            return -1;
        pend = i;
        pend_kind = k;
        pend_x = x0 + mb.origin;
        pend_cut_l = mb.cut_this;
        sp = TB_NONE;
    }
    if (pend != TB_NONE) {
        /* a closing mark at line end hangs its right half (tb_extent) */
        float cut_r = p->compress_punct && pend_kind == K_CLOSE ? 0.5f * ctx->c[pend].size : 0;
        if (tb_emit(ctx, &em, pend, pend_kind, pend_x + tb_ink_shift(&ctx->c[pend], pend_cut_l, cut_r)) != 0)
            return -1;
    }
    l->width = x0 + tb_extent(ctx, &mb);
    l->max_size = mb.max_size;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Public                                                                  */

float tb_min_width(const tb_char *chars, size_t n, const tb_params *p)
{
    if (!p || !chars || !n)
        return 0;
    tb_ctx ctx = {chars, n, p, 0, 0, false};
    float widest = 0;
    size_t a = 0, last = TB_NONE;
    int last_kind = 0;
    for (size_t i = 0; i <= n; i++) {
        int k = i < n ? tb_kind(&chars[i]) : K_NL;
        if (k == K_SPACE)
            continue;
        bool cut = k == K_NL || (last != TB_NONE && tb_can_break(&ctx, last, last_kind, i, k));
        if (cut && last != TB_NONE) {
            tb_meas m;
            tb_measure(&ctx, a, last + 1, &m);
            float w = tb_extent(&ctx, &m);
            if (w > widest)
                widest = w;
        }
        if (k == K_NL) {
            a = i + 1;
            last = TB_NONE;
            continue;
        }
        if (cut || last == TB_NONE)
            a = i;
        last = i;
        last_kind = k;
    }
    return widest;
}

void tb_params_default(tb_params *p, float width)
{
    memset(p, 0, sizeof *p);
    p->width = width;
    p->align = TB_JUSTIFY;
    p->cjk_latin_gap = 0.25f;
    p->compress_punct = true;
}

void tb_result_free(tb_result *r)
{
    if (!r)
        return;
    or_free(r->pieces);
    or_free(r->lines);
    memset(r, 0, sizeof *r);
}

static int tb_fail(tb_result *out)
{
    tb_result_free(out);
    return -1;
}

int tb_break(const tb_char *chars, size_t n, const tb_params *p, tb_result *out)
{
    if (!out)
        return -1;
    out->npieces = 0;
    out->nlines = 0;
    if (!p || (!chars && n))
        return tb_fail(out);
    tb_ctx ctx = {chars, n, p, 0, 0, false};

    size_t s = 0;
    while (s < n) {
        size_t li = out->nlines, nkept;
        bool forced;
        size_t e = tb_find_break(&ctx, s, tb_avail(p, li), &forced, &nkept);
        if (!forced && e >= n && nkept == 0) {
            /* Only spaces left: they belong to the previous line. */
            if (li > 0)
                out->lines[li - 1].end_char = n;
            break;
        }
        if (or_grow(&out->lines, &out->lines_cap, li + 1, sizeof *out->lines) != 0)
            return tb_fail(out);
        tb_line *l = &out->lines[out->nlines++];
        memset(l, 0, sizeof *l);
        l->first_char = s;
        l->end_char = e;
        if ((forced || e >= n) && li > 0 && !tb_line_forced(&ctx, &out->lines[li - 1]))
            tb_orphan(&ctx, &out->lines[li - 1], l, tb_avail(p, li));
        s = e;
    }
    for (size_t li = 0; li < out->nlines; li++)
        if (tb_layout_line(&ctx, out, li) != 0)
            return tb_fail(out);
    return 0;
}
