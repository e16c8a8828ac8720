#include "utf8.h"

uint32_t utf8_next(const char *str, size_t len, size_t *pos, bool *valid)
{
    const unsigned char *s = (const unsigned char *)str + *pos;
    size_t left = len - *pos;
    uint32_t cp, min;
    size_t n;

    if (s[0] < 0x80) {
        *pos += 1;
        if (valid)
            *valid = true;
        return s[0];
    }
    if ((s[0] & 0xE0) == 0xC0) {
        n = 2; cp = s[0] & 0x1F; min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3; cp = s[0] & 0x0F; min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4; cp = s[0] & 0x07; min = 0x10000;
    } else {
        goto bad;
    }
    if (left < n)
        goto bad;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            goto bad;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        goto bad;
    *pos += n;
    if (valid)
        *valid = true;
    return cp;
bad:
    *pos += 1;
    if (valid)
        *valid = false;
    return UTF8_REPLACEMENT;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp <= 0x10FFFF) {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
    }
    return 0;
}

bool utf8_valid(const char *s, size_t len)
{
    size_t pos = 0;
    bool ok = true;
    while (pos < len && ok)
        utf8_next(s, len, &pos, &ok);
    return ok;
}
