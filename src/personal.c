#include "personal.h"

#include "datetime.h"
#include "alloc.h"
#include "utf8.h"

#include <stdint.h>
#include <string.h>

enum { MAX_SEPARATORS = 3, MAX_INVISIBLE = 16 };

typedef enum { U_OTHER, U_DIGIT, U_X, U_SEPARATOR, U_FORMAT } unit_kind;

/* What cp is for a reader of numbers; *digit gets the ASCII digit. */
static unit_kind classify(uint32_t cp, char *digit)
{
    int v = -1;
    if (cp >= '0' && cp <= '9')
        v = (int)(cp - '0');
    else if (cp >= 0xFF10 && cp <= 0xFF19)            /* full-width */
        v = (int)(cp - 0xFF10);
    else if (cp >= 0x0660 && cp <= 0x0669)            /* Arabic-Indic */
        v = (int)(cp - 0x0660);
    else if (cp >= 0x06F0 && cp <= 0x06F9)
        v = (int)(cp - 0x06F0);
    else if (cp >= 0x1D7CE && cp <= 0x1D7FF)          /* mathematical */
        v = (int)((cp - 0x1D7CE) % 10);
    else if (cp == 0x2070 || cp == 0x2080 || cp == 0x24EA || cp == 0x1F100)
        v = 0;
    else if (cp == 0x00B9)
        v = 1;
    else if (cp == 0x00B2 || cp == 0x00B3)
        v = (int)(cp - 0x00B0);
    else if (cp >= 0x2074 && cp <= 0x2079)            /* superscripts */
        v = (int)(cp - 0x2070);
    else if (cp >= 0x2081 && cp <= 0x2089)            /* subscripts */
        v = (int)(cp - 0x2080);
    else if (cp >= 0x2460 && cp <= 0x2468)            /* circled */
        v = (int)(cp - 0x2460 + 1);
    else if (cp >= 0x1F101 && cp <= 0x1F10A)          /* digit comma */
        v = (int)(cp - 0x1F101);
    if (v >= 0) {
        *digit = (char)('0' + v);
        return U_DIGIT;
    }
    if (cp == 'X' || cp == 'x' || cp == 0xFF38 || cp == 0xFF58)
        return U_X;
    if (cp == 0x00AD || cp == 0x034F || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F)
        || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF
        || (cp >= 0xFE00 && cp <= 0xFE0F))
        return U_FORMAT;
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '-' || cp == '.' || cp == 0x00A0
        || cp == 0x00B7 || (cp >= 0x2000 && cp <= 0x200A) || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212
        || cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0x30FB || cp == 0xFE58 || cp == 0xFE63
        || cp == 0xFF0D || cp == 0xFF0E || cp == 0xFF65)
        return U_SEPARATOR;
    return U_OTHER;
}

static int num(const char *d, int from, int count)
{
    int v = 0;
    for (int i = from; i < from + count; i++)
        v = v * 10 + (d[i] - '0');
    return v;
}

static bool valid_id18(const char *d)
{
    static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[] = "10X98765432";
    int y = num(d, 6, 4);
    if (y < 1900 || y > 2099 || !od_valid_ymd(y, num(d, 10, 2), num(d, 12, 2)))
        return false;
    int sum = 0;
    for (int j = 0; j < 17; j++)
        sum += (d[j] - '0') * weight[j];
    return check[sum % 11] == d[17];
}

static bool valid(const char *d, size_t n, bool has_x)
{
    if (n == 18)
        return valid_id18(d);
    if (has_x)
        return false;
    if (n == 15)
        return d[0] >= '1' && d[0] <= '8' && od_valid_ymd(1900 + num(d, 6, 2), num(d, 8, 2), num(d, 10, 2));
    if (n == 11)
        return d[0] == '1' && d[1] >= '3' && d[1] <= '9';
    return false;
}

/* From the digit at s[start], the longest personal number ending at a
 * group boundary: its digits in out, its written end in *end; 0 when there
 * is none.  A start inside a run of digits (inside_run) is the tail of a
 * longer group, as when a number is glued to the text before it
 * ("终端 01" + "1 1 0 1 0 5 …"): it counts only when more groups follow,
 * so one long run of digits is never cut into a number. */
static size_t match_at(const char *s, size_t len, size_t start, bool inside_run, char out[18], size_t *end)
{
    char d[18];
    size_t n = 0, best = 0, pos = start, last_end = start;
    int separators = 0, invisible = 0, group = 0, groups = 0, shortest_group = 18;
    bool in_group = false, has_x = false;
    for (;;) {
        unit_kind k = U_OTHER;
        char dg = 0;
        size_t at = pos;
        if (pos < len)
            k = classify(utf8_next(s, len, &pos, NULL), &dg);
        if (k == U_FORMAT) {
            if (++invisible > MAX_INVISIBLE)
                k = U_OTHER;
            else
                continue;
        }
        if (k == U_X && n != 17)
            k = U_OTHER;
        if (k == U_DIGIT || k == U_X) {
            if (n == 18 || has_x)
                return best;   /* the group goes on: a longer number */
            d[n++] = k == U_X ? 'X' : dg;
            has_x = k == U_X;
            in_group = true;
            group++;
            separators = invisible = 0;
            last_end = pos;
            continue;
        }
        /* a group ends here.  Groups of one or two digits make a list of
         * small numbers (a chart's values) far more often than a written-out
         * number: only an 18-digit ID, whose date and check character
         * vouch for it, may be spelled that way. */
        if (in_group) {
            groups++;
            if (group < shortest_group)
                shortest_group = group;
        }
        group = 0;
        if (in_group && (n == 11 || n == 15 || n == 18) && (n == 18 || shortest_group >= 3)
            && (!inside_run || groups > 1) && valid(d, n, has_x)) {
            best = n;
            memcpy(out, d, n);
            *end = last_end;
        }
        in_group = false;
        if (k != U_SEPARATOR || n >= 18 || has_x || ++separators > MAX_SEPARATORS || at >= len)
            return best;
    }
}

static size_t scan(const char *s, size_t len, char *w, size_t *count)
{
    size_t r = 0, wpos = 0, found = 0;
    unit_kind prev = U_OTHER;
    while (r < len) {
        size_t at = r;
        char dg;
        unit_kind k = classify(utf8_next(s, len, &r, NULL), &dg);
        if (k == U_DIGIT) {
            char d[18];
            size_t end, n = match_at(s, len, at, prev == U_DIGIT, d, &end);
            if (n) {
                found++;
                if (!w)
                    return found;
                for (size_t i = 0; i < n; i++)
                    w[wpos++] = i < 3 || i >= n - 4 ? d[i] : '*';
                r = end;
                prev = U_DIGIT;
                continue;
            }
        }
        if (k != U_FORMAT)
            prev = k;
        if (w) {
            memmove(w + wpos, s + at, r - at);
            wpos += r - at;
        }
    }
    if (count)
        *count = found;
    return w ? wpos : found;
}

bool personal_find(const char *s, size_t len) { return scan(s, len, NULL, NULL) > 0; }

size_t personal_mask(char *s, size_t len, size_t *count)
{
    size_t found = 0;
    if (!personal_find(s, len)) {
        if (count)
            *count = 0;
        return len;
    }
    size_t n = scan(s, len, s, &found);
    if (count)
        *count = found;
    return n;
}

static long mask_node_text(xmlNodePtr t)
{
    const char *c = (const char *)t->content;
    size_t len = c ? strlen(c) : 0;
    if (!c || !personal_find(c, len))
        return 0;
    /* a copy: the content may belong to the document's dictionary */
    char *copy = or_strndup(c, len);
    if (!copy)
        return -1;
    size_t count;
    copy[personal_mask(copy, len, &count)] = '\0';
    xmlNodeSetContent(t, (const xmlChar *)copy);
    or_free(copy);
    return (long)count;
}

/* A list of plain numbers ("1 0 0 2 0 1 …", "0.5 -3 12"): the value of a
 * layout attribute (a chart's series, widths), never text a reader sees
 * as one string.  One number alone (a mobile written whole) is no list. */
bool personal_number_list(const char *s)
{
    const unsigned char *v = (const unsigned char *)s;
    int numbers = 0;
    bool in_number = false;
    for (; *v; v++) {
        if (*v >= '0' && *v <= '9') {
            if (!in_number)
                numbers++;
            in_number = true;
        } else if (*v == ' ') {
            in_number = false;
        } else if (*v != '.' && *v != '-') {
            return false;
        }
    }
    return numbers >= 2;
}

static long mask_tree(xmlNodePtr n, bool siblings, bool skip_number_lists)
{
    long total = 0;
    for (; n; n = siblings ? n->next : NULL) {
        long c = 0;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            c = mask_node_text(n);
        } else if (n->type == XML_ELEMENT_NODE) {
            for (xmlAttrPtr a = n->properties; a && c >= 0; a = a->next) {
                if (skip_number_lists && a->children && a->children->type == XML_TEXT_NODE
                    && !a->children->next && personal_number_list((const char *)a->children->content))
                    continue;
                long k = mask_tree(a->children, true, skip_number_lists);
                c = k < 0 ? -1 : c + k;
            }
            if (c >= 0) {
                long k = mask_tree(n->children, true, skip_number_lists);
                c = k < 0 ? -1 : c + k;
            }
        }
        if (c < 0)
            return -1;
        total += c;
    }
    return total;
}

long personal_mask_tree(xmlNodePtr n, bool siblings)
{
    return mask_tree(n, siblings, false);
}

long personal_mask_output(xmlNodePtr n)
{
    return mask_tree(n, false, true);
}
