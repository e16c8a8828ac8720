#include "fonts.h"

#include "alloc.h"
#include "buf.h"

#include <hb.h>
#include <hb-ot.h>
#include <hb-subset.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FONTS_MAX_CP 0x10FFFFu
#define FONTS_BMP 0x10000u
#define FONTS_PUA_FIRST 0xE000u
#define FONTS_PUA_LAST 0xF8FFu
#define FONTS_MAP_MAX (1u << 20)      /* a map file is a few lines */
#define FONTS_SYSTEM_DIR "/usr/share/fonts/"

/* Metrics cache entries: 0 = not looked up yet, v > 0 = covered with
 * advance v - 1 (font units), v < 0 = not covered, .notdef advance -v - 1. */
typedef int32_t metric;

typedef struct face {
    char *path;            /* resolved file name */
    unsigned index;        /* face inside a .ttc */
    char *label;           /* "path#index", for messages */
    int state;             /* 0 = not opened, 1 = open, -1 = failed */
    hb_blob_t *blob;
    hb_face_t *hbface;
    hb_font_t *hbfont;
    float upem, ascent, descent;
    metric *bmp;           /* FONTS_BMP entries, built lazily */
    uint32_t *sup_keys;    /* open addressing, key cp + 1, 0 = empty */
    metric *sup_vals;
    size_t sup_cap, sup_len;
    uint8_t *used;         /* bitmap over 0..FONTS_MAX_CP, lazily */
    bool dirty;            /* marked since the last subset */
    uint32_t *pua_src;     /* supplementary cps, ascending ... */
    uint16_t *pua_code;    /* ... and the PUA code each got */
    size_t npua;
    char *subset_path;
    size_t subset_len;
} face;

typedef struct fam_rec {
    char *name;
    int *chain;
    size_t nchain;
    int latin;     /* face for Latin letters, digits and ASCII marks, or -1 */
} fam_rec;

typedef struct alias {
    char *name;
    int family;
} alias;

struct fontset {
    face *faces;
    size_t nfaces, faces_cap;
    fam_rec *fams;
    size_t nfams, fams_cap;
    alias *aliases;
    size_t naliases, aliases_cap;
    char *tmpdir;
    size_t subset_bytes;
};

/* ---- big-endian helpers over bounded buffers ---------------------------- */

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void wr16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* True when [off, off + n) lies inside a buffer of len bytes. */
static bool in_bounds(size_t len, size_t off, size_t n)
{
    return off <= len && n <= len - off;
}

/* ---- map file ----------------------------------------------------------- */

/* Why read_file failed: the caller reports a missing or oversized file as
 * bad input and an allocation failure as a system error. */
typedef enum { READ_OK, READ_CANNOT_OPEN, READ_ERROR, READ_TOO_LARGE, READ_NO_MEMORY } read_result;

static char *read_file(const char *path, size_t max, size_t *len, read_result *why)
{
    FILE *f = fopen(path, "rb");
    *why = READ_CANNOT_OPEN;
    if (!f)
        return NULL;
    buf b;
    buf_init(&b, max);
    char chunk[4096];
    size_t n;
    *why = READ_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && *why == READ_OK) {
        if (b.len + n > max)
            *why = READ_TOO_LARGE;
        else if (buf_append(&b, chunk, n) != 0)
            *why = READ_NO_MEMORY;
    }
    if (*why == READ_OK && ferror(f))
        *why = READ_ERROR;
    int saved = errno;
    fclose(f);
    errno = saved;
    if (*why == READ_OK && !buf_cstr(&b))
        *why = READ_NO_MEMORY;
    if (*why != READ_OK) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b, len);
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static char *trim(char *s)
{
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_space(s[n - 1]))
        s[--n] = '\0';
    return s;
}

static bool is_regular_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Checks the sfnt header so that a wrong file is reported where the map
 * names it, not later when layout first needs the face. */
static bool check_truetype(const char *path, unsigned index, char *why, size_t why_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, why_len, "cannot open: %s", strerror(errno));
        return false;
    }
    uint8_t h[16];
    bool ok = false;
    size_t n = fread(h, 1, 12, f);
    if (n < 12) {
        snprintf(why, why_len, "file too short for a font header");
    } else if (memcmp(h, "ttcf", 4) == 0) {
        uint32_t count = rd32(h + 8);
        if (index >= count) {
            snprintf(why, why_len, "collection has %u faces, face index %u requested",
                     (unsigned)count, index);
        } else if (fseek(f, 12 + 4 * (long)index, SEEK_SET) != 0 || fread(h, 1, 4, f) != 4
                   || fseek(f, (long)rd32(h), SEEK_SET) != 0 || fread(h, 1, 4, f) != 4) {
            snprintf(why, why_len, "truncated collection header");
        } else {
            ok = rd32(h) == 0x00010000u || memcmp(h, "true", 4) == 0;
            if (!ok)
                snprintf(why, why_len, "face %u is not TrueType (glyf) outlines", index);
        }
    } else if (rd32(h) == 0x00010000u || memcmp(h, "true", 4) == 0) {
        ok = index == 0;
        if (!ok)
            snprintf(why, why_len, "face index %u requested but the file holds one face", index);
    } else if (memcmp(h, "OTTO", 4) == 0) {
        snprintf(why, why_len, "CFF-flavoured OpenType, expected TrueType (glyf) outlines");
    } else {
        snprintf(why, why_len, "not a TrueType font (bad sfnt header)");
    }
    fclose(f);
    return ok;
}

/* Relative names: first next to the map file, then under the system font
 * directory, so a map can say "truetype/arphic/uming.ttc". */
static char *resolve_path(const char *map_path, const char *name)
{
    if (name[0] == '/')
        return or_strdup(name);
    const char *slash = strrchr(map_path, '/');
    buf b;
    buf_init(&b, 0);
    if (slash)
        buf_append(&b, map_path, (size_t)(slash - map_path) + 1);
    buf_puts(&b, name);
    if (buf_cstr(&b) && !is_regular_file(b.data)) {
        buf_reset(&b);
        buf_puts(&b, FONTS_SYSTEM_DIR);
        buf_puts(&b, name);
    }
    if (!buf_cstr(&b)) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b, NULL);
}

static int find_name(const fontset *fs, const char *name)
{
    for (size_t i = 0; i < fs->nfams; i++)
        if (strcmp(fs->fams[i].name, name) == 0)
            return (int)i;
    for (size_t i = 0; i < fs->naliases; i++)
        if (strcmp(fs->aliases[i].name, name) == 0)
            return fs->aliases[i].family;
    return -1;
}

/* Returns the face id for path#index, adding it when new; -1 on no memory. */
static int intern_face(fontset *fs, const char *path, unsigned index)
{
    for (size_t i = 0; i < fs->nfaces; i++)
        if (fs->faces[i].index == index && strcmp(fs->faces[i].path, path) == 0)
            return (int)i;
    if (or_grow(&fs->faces, &fs->faces_cap, fs->nfaces + 1, sizeof *fs->faces) != 0)
        return -1;
    face *f = &fs->faces[fs->nfaces];
    memset(f, 0, sizeof *f);
    buf b;
    buf_init(&b, 0);
    buf_printf(&b, "%s#%u", path, index);
    f->label = buf_steal(&b, NULL);
    f->path = or_strdup(path);
    f->index = index;
    if (!f->label || !f->path) {
        or_free(f->label);
        or_free(f->path);
        return -1;
    }
    return (int)fs->nfaces++;
}

/* Parses "file#index" (index defaults to 0).  Returns false on a bad index. */
static bool split_face_spec(char *spec, unsigned *index)
{
    char *hash = strrchr(spec, '#');
    *index = 0;
    if (!hash)
        return true;
    *hash = '\0';
    const char *p = hash + 1;
    unsigned long v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9' || v > 1000)
            break;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    if (*p || p == hash + 1) {
        *hash = '#';   /* keep the spec whole for the message */
        return false;
    }
    *index = (unsigned)v;
    return true;
}

static or_status add_name(fontset *fs, const char *name, int fam, const char *file,
                          long line, diag *d)
{
    if (find_name(fs, name) >= 0) {
        diag_error(d, file, line, "family name '%s' is already defined", name);
        return OR_EINPUT;
    }
    if (fam == (int)fs->nfams) {
        if (or_grow(&fs->fams, &fs->fams_cap, fs->nfams + 1, sizeof *fs->fams) != 0)
            return diag_nomem(d);
        fam_rec *f = &fs->fams[fs->nfams];
        memset(f, 0, sizeof *f);
        f->latin = -1;
        if (!(f->name = or_strdup(name)))
            return diag_nomem(d);
        fs->nfams++;
        return OR_OK;
    }
    if (or_grow(&fs->aliases, &fs->aliases_cap, fs->naliases + 1, sizeof *fs->aliases) != 0)
        return diag_nomem(d);
    alias *a = &fs->aliases[fs->naliases];
    if (!(a->name = or_strdup(name)))
        return diag_nomem(d);
    a->family = fam;
    fs->naliases++;
    return OR_OK;
}

static or_status parse_face(fontset *fs, char *name, const char *file, long line, int *id, diag *d);

/* "latin NAME = FILE#INDEX": the face that draws the Latin letters, digits
 * and ASCII marks of family NAME (defined above), proportional beside the
 * CJK face's fixed-pitch ones. */
static or_status parse_latin(fontset *fs, char *s, const char *file, long line, diag *d)
{
    char *eq = strchr(s, '=');
    if (!eq) {
        diag_error(d, file, line, "expected 'latin FAMILY = FILE#INDEX', found '%s'", s);
        return OR_EINPUT;
    }
    *eq = '\0';
    char *name = trim(s + 5);
    int fam = find_name(fs, name);
    if (fam < 0) {
        diag_error(d, file, line, "latin: no family '%s' defined above (expected 'latin FAMILY = FILE#INDEX' "
                   "after the family's line)", name);
        return OR_EINPUT;
    }
    if (fs->fams[fam].latin >= 0) {
        diag_error(d, file, line, "latin: family '%s' has a Latin face already", name);
        return OR_EINPUT;
    }
    int id;
    or_status st = parse_face(fs, trim(eq + 1), file, line, &id, d);
    if (st == OR_OK)
        fs->fams[fam].latin = id;
    return st;
}

/* One "family NAME [ALIAS...] = FILE#INDEX, FILE#INDEX, ..." line. */
static or_status parse_line(fontset *fs, char *s, const char *file, long line, diag *d)
{
    static const char usage[] = "expected 'family NAME [ALIAS...] = FILE#INDEX, ...'";
    if (strncmp(s, "latin", 5) == 0 && is_space(s[5]))
        return parse_latin(fs, s, file, line, d);
    char *eq = strchr(s, '=');
    if (strncmp(s, "family", 6) != 0 || !is_space(s[6]) || !eq) {
        diag_error(d, file, line, "%s, found '%s'", usage, s);
        return OR_EINPUT;
    }
    *eq = '\0';
    int fam = (int)fs->nfams;
    size_t nnames = 0;
    char *p = s + 6;
    for (;;) {
        while (is_space(*p))
            p++;
        if (!*p)
            break;
        char *start = p;
        while (*p && !is_space(*p))
            p++;
        bool last = !*p;
        *p = '\0';
        or_status st = add_name(fs, start, fam, file, line, d);
        if (st != OR_OK)
            return st;
        nnames++;
        if (last)
            break;
        p++;
    }
    if (nnames == 0) {
        diag_error(d, file, line, "%s, found no family name before '='", usage);
        return OR_EINPUT;
    }
    fam_rec *f = &fs->fams[fam];
    size_t chain_cap = 0;
    or_status result = OR_OK;
    char *spec = trim(eq + 1);
    if (!*spec) {
        diag_error(d, file, line, "family '%s' lists no fonts after '='", f->name);
        return OR_EINPUT;
    }
    while (spec) {
        char *comma = strchr(spec, ',');
        if (comma)
            *comma = '\0';
        char *name = trim(spec);
        spec = comma ? comma + 1 : NULL;
        int id;
        or_status st = parse_face(fs, name, file, line, &id, d);
        if (st == OR_ESYS)
            return st;
        if (st != OR_OK) {
            result = st;
            continue;
        }
        if (or_grow(&f->chain, &chain_cap, f->nchain + 1, sizeof *f->chain) != 0)
            return diag_nomem(d);
        f->chain[f->nchain++] = id;
    }
    if (result == OR_OK && f->nchain == 0) {
        diag_error(d, file, line, "family '%s' lists no fonts after '='", f->name);
        result = OR_EINPUT;
    }
    return result;
}

/* One FILE#INDEX of a map line: checked and interned as a face. */
static or_status parse_face(fontset *fs, char *name, const char *file, long line, int *id, diag *d)
{
    unsigned index;
    if (!*name || !split_face_spec(name, &index)) {
        diag_error(d, file, line, "expected a font as FILE or FILE#INDEX, found '%s'", name);
        return OR_EINPUT;
    }
    char *path = resolve_path(file, name);
    if (!path)
        return diag_nomem(d);
    char why[160];
    or_status st = OR_OK;
    if (!is_regular_file(path)) {
        diag_error(d, file, line, "font file '%s' not found (looked for '%s')", name, path);
        st = OR_EINPUT;
    } else if (!check_truetype(path, index, why, sizeof why)) {
        diag_error(d, file, line, "font '%s#%u': %s", path, index, why);
        st = OR_EINPUT;
    } else if ((*id = intern_face(fs, path, index)) < 0) {
        st = diag_nomem(d);
    }
    or_free(path);
    return st;
}

or_status fontset_open(fontset **out, const char *map_path, diag *d)
{
    *out = NULL;
    size_t len = 0;
    read_result why;
    char *text = read_file(map_path, FONTS_MAP_MAX, &len, &why);
    if (why == READ_NO_MEMORY)
        return diag_nomem(d);
    if (why == READ_TOO_LARGE) {
        diag_error(d, map_path, 0, "font map is larger than %d bytes (expected a short text file)", (int)FONTS_MAP_MAX);
        return OR_EINPUT;
    }
    if (!text) {
        diag_error(d, map_path, 0, "cannot read font map: %s", strerror(errno));
        return why == READ_ERROR ? OR_ESYS : OR_EINPUT;
    }
    fontset *fs = or_calloc(1, sizeof *fs);
    if (!fs) {
        or_free(text);
        return diag_nomem(d);
    }
    or_status result = OR_OK;
    long line = 0;
    char *next = text;
    while (next && result != OR_ESYS) {
        char *s = next;
        char *nl = strchr(s, '\n');
        next = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        line++;
        s = trim(s);
        if (!*s || *s == '#')
            continue;
        or_status st = parse_line(fs, s, map_path, line, d);
        if (st != OR_OK && result != OR_ESYS)
            result = st;
    }
    or_free(text);
    if (result == OR_OK && fs->nfams == 0) {
        diag_error(d, map_path, 0, "font map defines no family; expected 'family NAME = FILE#INDEX' lines");
        result = OR_EINPUT;
    }
    if (result != OR_OK) {
        fontset_free(fs);
        return result;
    }
    *out = fs;
    return OR_OK;
}

static void face_close(face *f)
{
    hb_font_destroy(f->hbfont);
    hb_face_destroy(f->hbface);
    hb_blob_destroy(f->blob);
    f->hbfont = NULL;
    f->hbface = NULL;
    f->blob = NULL;
}

void fontset_free(fontset *fs)
{
    if (!fs)
        return;
    for (size_t i = 0; i < fs->nfaces; i++) {
        face *f = &fs->faces[i];
        face_close(f);
        if (f->subset_path)
            unlink(f->subset_path);
        or_free(f->subset_path);
        or_free(f->path);
        or_free(f->label);
        or_free(f->bmp);
        or_free(f->sup_keys);
        or_free(f->sup_vals);
        or_free(f->used);
        or_free(f->pua_src);
        or_free(f->pua_code);
    }
    if (fs->tmpdir)
        rmdir(fs->tmpdir);
    or_free(fs->tmpdir);
    for (size_t i = 0; i < fs->nfams; i++) {
        or_free(fs->fams[i].name);
        or_free(fs->fams[i].chain);
    }
    for (size_t i = 0; i < fs->naliases; i++)
        or_free(fs->aliases[i].name);
    or_free(fs->faces);
    or_free(fs->fams);
    or_free(fs->aliases);
    or_free(fs);
}

int fontset_family(const fontset *fs, const char *name)
{
    return fs && name ? find_name(fs, name) : -1;
}

const char *fontset_family_name(const fontset *fs, int family)
{
    if (!fs || family < 0 || (size_t)family >= fs->nfams)
        return NULL;
    return fs->fams[family].name;
}

/* ---- faces and metrics -------------------------------------------------- */

static bool face_open(face *f, diag *d)
{
    if (f->state)
        return f->state > 0;
    f->state = -1;
    f->blob = hb_blob_create_from_file_or_fail(f->path);
    if (!f->blob) {
        diag_error(d, f->label, 0, "cannot read font file");
        return false;
    }
    f->hbface = hb_face_create(f->blob, f->index);
    if (hb_face_get_glyph_count(f->hbface) == 0) {
        diag_error(d, f->label, 0, "no glyphs found; expected a TrueType face");
        face_close(f);
        return false;
    }
    f->hbfont = hb_font_create(f->hbface);
    unsigned upem = hb_face_get_upem(f->hbface);
    hb_font_set_scale(f->hbfont, (int)upem, (int)upem);
    f->upem = (float)upem;
    hb_font_extents_t ext;
    if (hb_font_get_h_extents(f->hbfont, &ext) && ext.ascender > 0) {
        f->ascent = (float)ext.ascender / f->upem;
        f->descent = (float)ext.descender / f->upem;
    } else {
        f->ascent = 0.88f;    /* typical CJK em box split */
        f->descent = -0.12f;
    }
    if (f->descent >= 0)
        f->descent = -0.12f;
    f->state = 1;
    return true;
}

static metric measure(const face *f, uint32_t cp)
{
    hb_codepoint_t gid = 0;
    bool covered = hb_font_get_nominal_glyph(f->hbfont, cp, &gid);
    hb_position_t adv = hb_font_get_glyph_h_advance(f->hbfont, covered ? gid : 0);
    if (adv < 0)
        adv = 0;
    return covered ? adv + 1 : -adv - 1;
}

static size_t sup_slot(const face *f, uint32_t cp)
{
    size_t mask = f->sup_cap - 1;
    size_t i = (cp * 2654435761u) & mask;
    while (f->sup_keys[i] && f->sup_keys[i] != cp + 1)
        i = (i + 1) & mask;
    return i;
}

static void sup_insert(face *f, uint32_t cp, metric m)
{
    if ((f->sup_len + 1) * 2 > f->sup_cap) {
        size_t ncap = f->sup_cap ? f->sup_cap * 2 : 64;
        uint32_t *keys = or_calloc(ncap, sizeof *keys);
        metric *vals = or_calloc(ncap, sizeof *vals);
        if (!keys || !vals) {   /* no cache: still correct, only slower */
            or_free(keys);
            or_free(vals);
            return;
        }
        uint32_t *okeys = f->sup_keys;
        metric *ovals = f->sup_vals;
        size_t ocap = f->sup_cap;
        f->sup_keys = keys;
        f->sup_vals = vals;
        f->sup_cap = ncap;
        for (size_t i = 0; i < ocap; i++) {
            if (okeys[i]) {
                size_t s = sup_slot(f, okeys[i] - 1);
                keys[s] = okeys[i];
                vals[s] = ovals[i];
            }
        }
        or_free(okeys);
        or_free(ovals);
    }
    size_t s = sup_slot(f, cp);
    if (!f->sup_keys[s])
        f->sup_len++;
    f->sup_keys[s] = cp + 1;
    f->sup_vals[s] = m;
}

/* The cached metric of cp; the face must be open. */
static metric lookup(face *f, uint32_t cp)
{
    if (cp < FONTS_BMP) {
        if (!f->bmp)
            f->bmp = or_calloc(FONTS_BMP, sizeof *f->bmp);
        if (!f->bmp)
            return measure(f, cp);
        if (!f->bmp[cp])
            f->bmp[cp] = measure(f, cp);
        return f->bmp[cp];
    }
    if (f->sup_cap) {
        size_t s = sup_slot(f, cp);
        if (f->sup_keys[s])
            return f->sup_vals[s];
    }
    metric m = measure(f, cp);
    sup_insert(f, cp, m);
    return m;
}

/* What a family's Latin face draws: ASCII letters, digits and marks, and
 * the Latin letters of Latin-1 and Latin Extended-A/B.  Not the middle dot
 * (·, the 间隔号 of Chinese text), nor any full-width or CJK mark. */
static bool fonts_latin_cp(uint32_t cp)
{
    return (cp >= 0x20 && cp <= 0x7E) || (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

int fontset_resolve(fontset *fs, int family, uint32_t cp, diag *d)
{
    if (!fs || family < 0 || (size_t)family >= fs->nfams || cp > FONTS_MAX_CP)
        return -1;
    const fam_rec *fam = &fs->fams[family];
    if (fam->latin >= 0 && fonts_latin_cp(cp)) {
        face *f = &fs->faces[fam->latin];
        if (face_open(f, d) && lookup(f, cp) > 0)
            return fam->latin;
    }
    for (size_t i = 0; i < fam->nchain; i++) {
        face *f = &fs->faces[fam->chain[i]];
        if (face_open(f, d) && lookup(f, cp) > 0)
            return fam->chain[i];
    }
    return -1;
}

static face *valid_face(const fontset *fs, int id)
{
    if (!fs || id < 0 || (size_t)id >= fs->nfaces)
        return NULL;
    return &fs->faces[id];
}

float fontset_advance(const fontset *fs, int id, uint32_t cp)
{
    face *f = valid_face(fs, id);
    if (!f || cp > FONTS_MAX_CP || !face_open(f, NULL))
        return 0;
    metric m = lookup(f, cp);
    return (float)(m > 0 ? m - 1 : -m - 1) / f->upem;
}

bool fontset_ink(const fontset *fs, int id, uint32_t cp, float *from, float *to)
{
    face *f = valid_face(fs, id);
    hb_codepoint_t g;
    hb_glyph_extents_t e;
    if (!f || cp > FONTS_MAX_CP || !face_open(f, NULL) || !hb_font_get_nominal_glyph(f->hbfont, cp, &g)
        || !hb_font_get_glyph_extents(f->hbfont, g, &e) || e.width <= 0)
        return false;
    *from = (float)e.x_bearing / f->upem;
    *to = (float)(e.x_bearing + e.width) / f->upem;
    return true;
}

float fontset_ascent(const fontset *fs, int id)
{
    face *f = valid_face(fs, id);
    return f && face_open(f, NULL) ? f->ascent : 0.88f;
}

float fontset_descent(const fontset *fs, int id)
{
    face *f = valid_face(fs, id);
    return f && face_open(f, NULL) ? f->descent : -0.12f;
}

const char *fontset_face_label(const fontset *fs, int id)
{
    face *f = valid_face(fs, id);
    return f ? f->label : NULL;
}

size_t fontset_face_count(const fontset *fs)
{
    return fs ? fs->nfaces : 0;
}

int fontset_mark_used(fontset *fs, int id, uint32_t cp)
{
    face *f = valid_face(fs, id);
    if (!f || cp > FONTS_MAX_CP)
        return -1;
    if (!f->used && !(f->used = or_calloc(FONTS_MAX_CP / 8 + 1, 1)))
        return -1;
    uint8_t bit = (uint8_t)(1u << (cp & 7));
    if (!(f->used[cp >> 3] & bit)) {
        f->used[cp >> 3] |= bit;
        f->dirty = true;
    }
    return 0;
}

void fontset_clear_used(fontset *fs)
{
    for (size_t i = 0; fs && i < fs->nfaces; i++) {
        face *f = &fs->faces[i];
        if (f->used) {
            memset(f->used, 0, FONTS_MAX_CP / 8 + 1);
            f->dirty = true;
        }
    }
}

uint32_t fontset_next_used(const fontset *fs, int id, uint32_t from)
{
    face *f = valid_face(fs, id);
    if (!f || !f->used)
        return UINT32_MAX;
    for (uint32_t cp = from; cp <= FONTS_MAX_CP; cp++) {
        if (!(cp & 7) && !f->used[cp >> 3]) {
            cp += 7;   /* skip empty bytes quickly */
            continue;
        }
        if (f->used[cp >> 3] >> (cp & 7) & 1)
            return cp;
    }
    return UINT32_MAX;
}

static bool is_used(const face *f, uint32_t cp)
{
    return f->used && (f->used[cp >> 3] >> (cp & 7) & 1);
}

/* ---- component check ---------------------------------------------------- */

typedef struct sfnt_table {
    uint32_t tag;
    const uint8_t *data;
    size_t len;
} sfnt_table;

#define TAG(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* Finds a table in a TrueType font; false when absent or out of bounds. */
static bool find_table(const uint8_t *data, size_t len, uint32_t tag, sfnt_table *out)
{
    if (len < 12)
        return false;
    unsigned n = rd16(data + 4);
    if (!in_bounds(len, 12, (size_t)n * 16))
        return false;
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *rec = data + 12 + 16 * (size_t)i;
        if (rd32(rec) != tag)
            continue;
        size_t off = rd32(rec + 8), tlen = rd32(rec + 12);
        if (!in_bounds(len, off, tlen))
            return false;
        *out = (sfnt_table){tag, data + off, tlen};
        return true;
    }
    return false;
}

or_status ttf_check_components(const uint8_t *data, size_t len, const char *label, diag *d)
{
    sfnt_table head, maxp, loca, glyf;
    if (!data || len < 12 || (rd32(data) != 0x00010000u && memcmp(data, "true", 4) != 0)) {
        diag_error(d, label, 0, "not a TrueType font: expected an sfnt header with version 1.0");
        return OR_EINPUT;
    }
    if (!find_table(data, len, TAG('h', 'e', 'a', 'd'), &head) || head.len < 54
        || !find_table(data, len, TAG('m', 'a', 'x', 'p'), &maxp) || maxp.len < 6
        || !find_table(data, len, TAG('l', 'o', 'c', 'a'), &loca)
        || !find_table(data, len, TAG('g', 'l', 'y', 'f'), &glyf)) {
        diag_error(d, label, 0, "font is missing or truncates one of the head, maxp, loca, glyf tables");
        return OR_EINPUT;
    }
    bool long_loca = rd16(head.data + 50) != 0;
    size_t nglyphs = rd16(maxp.data + 4);
    if (loca.len < (nglyphs + 1) * (long_loca ? 4 : 2)) {
        diag_error(d, label, 0, "loca table has %zu bytes, expected %zu for %zu glyphs",
                   loca.len, (nglyphs + 1) * (long_loca ? 4 : 2), nglyphs);
        return OR_EINPUT;
    }
    for (size_t g = 0; g < nglyphs; g++) {
        size_t start = long_loca ? rd32(loca.data + 4 * g) : 2 * (size_t)rd16(loca.data + 2 * g);
        size_t end = long_loca ? rd32(loca.data + 4 * g + 4) : 2 * (size_t)rd16(loca.data + 2 * g + 2);
        if (end < start || end > glyf.len) {
            diag_error(d, label, 0, "glyph %zu lies outside the glyf table (%zu..%zu of %zu bytes)",
                       g, start, end, glyf.len);
            return OR_EINPUT;
        }
        if (end - start < 10 || (int16_t)rd16(glyf.data + start) >= 0)
            continue;   /* empty or simple glyph */
        size_t p = start + 10;
        uint16_t flags;
        do {
            if (!in_bounds(end, p, 4)) {
                diag_error(d, label, 0, "composite glyph %zu is truncated", g);
                return OR_EINPUT;
            }
            flags = rd16(glyf.data + p);
            unsigned comp = rd16(glyf.data + p + 2);
            if (comp > 32767) {
                diag_error(d, label, 0,
                           "composite glyph %zu uses component glyph %u; libharu 2.3.0 "
                           "reads component ids as signed 16-bit, expected <= 32767", g, comp);
                return OR_EINPUT;
            }
            p += 4 + ((flags & 0x0001) ? 4 : 2);        /* ARG_1_AND_2_ARE_WORDS */
            if (flags & 0x0008)                         /* WE_HAVE_A_SCALE */
                p += 2;
            else if (flags & 0x0040)                    /* WE_HAVE_AN_X_AND_Y_SCALE */
                p += 4;
            else if (flags & 0x0080)                    /* WE_HAVE_A_TWO_BY_TWO */
                p += 8;
            if (p > end) {
                diag_error(d, label, 0, "composite glyph %zu is truncated", g);
                return OR_EINPUT;
            }
        } while (flags & 0x0020);                       /* MORE_COMPONENTS */
    }
    return OR_OK;
}

/* ---- subsets ------------------------------------------------------------ */

typedef struct cmap_pair {
    uint16_t code, gid;
} cmap_pair;

static int pair_cmp(const void *a, const void *b)
{
    const cmap_pair *x = a, *y = b;
    return (x->code > y->code) - (x->code < y->code);
}

/* Segments of a format 4 cmap: code points no further apart than `gap`
 * share one segment and map through glyphIdArray (unused codes map to 0).
 * libharu 2.3.0 finds a code's segment by a linear search, for every code
 * of the BMP when it builds CIDToGIDMap and for every character it
 * measures, so a subset of 2,000 ideographs must not have 2,000 segments. */
static size_t cmap_segments(const cmap_pair *pairs, size_t n, unsigned gap, size_t *entries)
{
    size_t nseg = 0;
    *entries = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || (unsigned)(pairs[i].code - pairs[i - 1].code) > gap + 1u)
            nseg++;
        else
            *entries += pairs[i].code - pairs[i - 1].code - 1u;
        (*entries)++;
    }
    return nseg + 1;   /* the final 0xFFFF segment */
}

/* A cmap with one (3,1) format 4 subtable: the only kind libharu 2.3.0
 * reads, and where supplementary characters get their PUA codes. */
static uint8_t *build_cmap(const cmap_pair *pairs, size_t n, size_t *out_len)
{
    unsigned gap = 32;
    size_t entries, nseg = cmap_segments(pairs, n, gap, &entries);
    while (16 + 8 * nseg + 2 * entries > 0xFFFF && gap > 0) {
        gap /= 2;
        nseg = cmap_segments(pairs, n, gap, &entries);
    }
    size_t sub_len = 16 + 8 * nseg + 2 * entries;
    if (sub_len > 0xFFFF || nseg > 0x7FFF)
        return NULL;
    size_t len = 12 + sub_len;
    uint8_t *t = or_calloc(1, len);
    if (!t)
        return NULL;
    wr16(t + 2, 1);
    wr16(t + 4, 3);
    wr16(t + 6, 1);
    wr32(t + 8, 12);
    uint8_t *s = t + 12;
    unsigned pow2 = 1, log2 = 0;
    while (pow2 * 2 <= nseg) {
        pow2 *= 2;
        log2++;
    }
    wr16(s, 4);
    wr16(s + 2, (uint32_t)sub_len);
    wr16(s + 6, (uint32_t)(nseg * 2));
    wr16(s + 8, pow2 * 2);
    wr16(s + 10, log2);
    wr16(s + 12, (uint32_t)(nseg * 2 - pow2 * 2));
    uint8_t *ends = s + 14, *starts = ends + 2 * nseg + 2;
    uint8_t *deltas = starts + 2 * nseg, *offsets = deltas + 2 * nseg;
    uint8_t *glyphs = offsets + 2 * nseg;
    size_t seg = 0, g = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || (unsigned)(pairs[i].code - pairs[i - 1].code) > gap + 1u) {
            wr16(starts + 2 * seg, pairs[i].code);
            /* idRangeOffset counts bytes from its own slot to the segment's
             * first glyphIdArray entry; idDelta stays 0. */
            wr16(offsets + 2 * seg, (uint32_t)(2 * (nseg - seg) + 2 * g));
            seg++;
        } else {
            g += pairs[i].code - pairs[i - 1].code - 1u;   /* unused codes: glyph 0 */
        }
        wr16(ends + 2 * (seg - 1), pairs[i].code);
        wr16(glyphs + 2 * g, pairs[i].gid);
        g++;
    }
    wr16(starts + 2 * seg, 0xFFFF);
    wr16(ends + 2 * seg, 0xFFFF);
    wr16(deltas + 2 * seg, 1);
    *out_len = len;
    return t;
}

/* A name table that gives the subset a short, unique, ASCII PostScript
 * name in both the Mac and the Windows records: libharu takes BaseFont from
 * it and HPDF_GetFont looks fonts up by it. */
static uint8_t *build_name(const char *ps, size_t *out_len)
{
    static const uint16_t ids[] = {1, 2, 4, 6};
    const char *regular = "Regular";
    size_t pslen = strlen(ps), rlen = strlen(regular);
    size_t nrec = 8, strings = 2 * (3 * pslen + rlen) + 3 * pslen + rlen;
    size_t len = 6 + 12 * nrec + strings;
    uint8_t *t = or_calloc(1, len);
    if (!t)
        return NULL;
    wr16(t + 2, (uint32_t)nrec);
    wr16(t + 4, (uint32_t)(6 + 12 * nrec));
    uint8_t *rec = t + 6, *str = t + 6 + 12 * nrec;
    size_t off = 0;
    for (int platform = 0; platform < 2; platform++) {
        bool win = platform == 1;
        for (size_t i = 0; i < 4; i++) {
            const char *s = ids[i] == 2 ? regular : ps;
            size_t n = strlen(s), bytes = win ? 2 * n : n;
            wr16(rec, win ? 3 : 1);
            wr16(rec + 2, win ? 1 : 0);
            wr16(rec + 4, win ? 0x0409 : 0);
            wr16(rec + 6, ids[i]);
            wr16(rec + 8, (uint32_t)bytes);
            wr16(rec + 10, (uint32_t)off);
            for (size_t k = 0; k < n; k++) {
                if (win)
                    str[off + 2 * k + 1] = (uint8_t)s[k];
                else
                    str[off + k] = (uint8_t)s[k];
            }
            off += bytes;
            rec += 12;
        }
    }
    *out_len = len;
    return t;
}

static uint32_t table_checksum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < len; i += 4) {
        uint8_t w[4] = {0, 0, 0, 0};
        memcpy(w, p + i, len - i < 4 ? len - i : 4);
        sum += rd32(w);
    }
    return sum;
}

static int table_cmp(const void *a, const void *b)
{
    const sfnt_table *x = a, *y = b;
    return (x->tag > y->tag) - (x->tag < y->tag);
}

/* Assembles a TrueType file from tables (sorted here), recomputing the
 * directory, checksums and head.checkSumAdjustment. */
static uint8_t *assemble(sfnt_table *t, size_t n, size_t *out_len)
{
    qsort(t, n, sizeof *t, table_cmp);
    size_t len = 12 + 16 * n;
    for (size_t i = 0; i < n; i++)
        len += (t[i].len + 3) & ~(size_t)3;
    uint8_t *out = or_calloc(1, len);
    if (!out)
        return NULL;
    unsigned pow2 = 1, log2 = 0;
    while (pow2 * 2 <= n) {
        pow2 *= 2;
        log2++;
    }
    wr32(out, 0x00010000u);
    wr16(out + 4, (uint32_t)n);
    wr16(out + 6, pow2 * 16);
    wr16(out + 8, log2);
    wr16(out + 10, (uint32_t)(n * 16 - pow2 * 16));
    size_t off = 12 + 16 * n, head_off = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t *rec = out + 12 + 16 * i;
        memcpy(out + off, t[i].data, t[i].len);
        if (t[i].tag == TAG('h', 'e', 'a', 'd')) {
            head_off = off;
            wr32(out + off + 8, 0);
        }
        wr32(rec, t[i].tag);
        wr32(rec + 4, table_checksum(out + off, t[i].len));
        wr32(rec + 8, (uint32_t)off);
        wr32(rec + 12, (uint32_t)t[i].len);
        off += (t[i].len + 3) & ~(size_t)3;
    }
    if (head_off)
        wr32(out + head_off + 8, 0xB1B0AFBAu - table_checksum(out, len));
    *out_len = len;
    return out;
}

/* PostScript names allow a small ASCII set; CJK fonts often have odd ones. */
static void make_ps_name(hb_face_t *hbface, int id, char *out, size_t out_len)
{
    char src[64];
    unsigned n = sizeof src;
    if (!hb_ot_name_get_utf8(hbface, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &n, src))
        src[0] = '\0';
    size_t k = 0;
    for (const char *p = src; *p && k < 40; p++) {
        char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
            out[k++] = c;
    }
    if (k == 0) {
        memcpy(out, "Face", 4);
        k = 4;
    }
    out[k] = '\0';
    /* distinct faces must get distinct names: libharu reuses a loaded font
     * whose name matches */
    snprintf(out + k, out_len - k, "-S%d", id);
}

static const uint32_t keep_tags[] = {
    TAG('O', 'S', '/', '2'), TAG('c', 'v', 't', ' '), TAG('f', 'p', 'g', 'm'),
    TAG('g', 'l', 'y', 'f'), TAG('h', 'e', 'a', 'd'), TAG('h', 'h', 'e', 'a'),
    TAG('h', 'm', 't', 'x'), TAG('l', 'o', 'c', 'a'), TAG('m', 'a', 'x', 'p'),
    TAG('p', 'o', 's', 't'), TAG('p', 'r', 'e', 'p'),
};

static const uint32_t drop_tags[] = {
    TAG('G', 'S', 'U', 'B'), TAG('G', 'P', 'O', 'S'), TAG('G', 'D', 'E', 'F'),
    TAG('B', 'A', 'S', 'E'), TAG('J', 'S', 'T', 'F'), TAG('M', 'A', 'T', 'H'),
    TAG('v', 'h', 'e', 'a'), TAG('v', 'm', 't', 'x'), TAG('V', 'O', 'R', 'G'),
    TAG('k', 'e', 'r', 'n'), TAG('g', 'a', 's', 'p'), TAG('h', 'd', 'm', 'x'),
    TAG('E', 'B', 'D', 'T'), TAG('E', 'B', 'L', 'C'), TAG('E', 'B', 'S', 'C'),
};

static or_status write_bytes(const char *path, const uint8_t *data, size_t len, diag *d)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        diag_error(d, path, 0, "cannot create subset font: %s", strerror(errno));
        return OR_ESYS;
    }
    bool ok = fwrite(data, 1, len, f) == len;
    if (fclose(f) != 0)
        ok = false;
    if (!ok) {
        diag_error(d, path, 0, "cannot write subset font: %s", strerror(errno));
        unlink(path);
        return OR_ESYS;
    }
    return OR_OK;
}

/* Gives each used supplementary character a PUA code no used BMP
 * character of the face already occupies, in code point order so that the
 * result does not depend on marking order. */
static or_status assign_pua(fontset *fs, int id, diag *d)
{
    face *f = &fs->faces[id];
    size_t n = 0;
    for (uint32_t cp = fontset_next_used(fs, id, FONTS_BMP); cp != UINT32_MAX;
         cp = fontset_next_used(fs, id, cp + 1))
        n++;
    or_free(f->pua_src);
    or_free(f->pua_code);
    f->pua_src = NULL;
    f->pua_code = NULL;
    f->npua = 0;
    if (n == 0)
        return OR_OK;
    f->pua_src = or_calloc(n, sizeof *f->pua_src);
    f->pua_code = or_calloc(n, sizeof *f->pua_code);
    if (!f->pua_src || !f->pua_code)
        return diag_nomem(d);
    uint32_t next = FONTS_PUA_FIRST;
    for (uint32_t cp = fontset_next_used(fs, id, FONTS_BMP); cp != UINT32_MAX;
         cp = fontset_next_used(fs, id, cp + 1)) {
        while (next <= FONTS_PUA_LAST && is_used(f, next))
            next++;
        if (next > FONTS_PUA_LAST) {
            diag_error(d, f->label, 0, "more supplementary-plane characters than private-use "
                       "code points (U+E000..U+F8FF) to map them to");
            return OR_EINPUT;
        }
        f->pua_src[f->npua] = cp;
        f->pua_code[f->npua++] = (uint16_t)next++;
    }
    return OR_OK;
}

static or_status make_tmpdir(fontset *fs, diag *d)
{
    if (fs->tmpdir)
        return OR_OK;
    const char *base = getenv("TMPDIR");
    buf b;
    buf_init(&b, 0);
    buf_printf(&b, "%s/opsreport-fonts-XXXXXX", base && *base ? base : "/tmp");
    char *tmpl = buf_steal(&b, NULL);
    if (!tmpl)
        return diag_nomem(d);
    if (!mkdtemp(tmpl)) {
        diag_error(d, tmpl, 0, "cannot create a temporary directory for subset fonts: %s",
                   strerror(errno));
        or_free(tmpl);
        return OR_ESYS;
    }
    fs->tmpdir = tmpl;
    return OR_OK;
}

static or_status build_one(fontset *fs, int id, diag *d)
{
    face *f = &fs->faces[id];
    if (!face_open(f, d))
        return OR_EINPUT;
    or_status st = assign_pua(fs, id, d);
    if (st != OR_OK)
        return st;

    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        return diag_nomem(d);
    hb_set_t *unicodes = hb_subset_input_unicode_set(in);
    for (uint32_t cp = fontset_next_used(fs, id, 0); cp != UINT32_MAX;
         cp = fontset_next_used(fs, id, cp + 1))
        hb_set_add(unicodes, cp);
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof drop_tags / sizeof *drop_tags; i++)
        hb_set_add(drop, drop_tags[i]);
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
    hb_face_t *sub = hb_subset_or_fail(f->hbface, in);
    hb_subset_input_destroy(in);
    if (!sub) {
        diag_error(d, f->label, 0, "HarfBuzz could not subset this face");
        return OR_ESYS;
    }
    hb_blob_t *blob = hb_face_reference_blob(sub);
    hb_face_destroy(sub);
    unsigned blen = 0;
    const uint8_t *bytes = (const uint8_t *)hb_blob_get_data(blob, &blen);

    /* The subset renumbered glyphs; ask its own cmap for the new ids. */
    hb_face_t *sface = hb_face_create(blob, 0);
    hb_font_t *sfont = hb_font_create(sface);
    cmap_pair *pairs = NULL;
    size_t npairs = 0, cap = 0;
    uint8_t *cmap = NULL, *name = NULL, *font = NULL;
    size_t cmap_len = 0, name_len = 0, font_len = 0;
    st = OR_OK;
    for (uint32_t cp = fontset_next_used(fs, id, 0); cp != UINT32_MAX;
         cp = fontset_next_used(fs, id, cp + 1)) {
        hb_codepoint_t gid;
        if (!hb_font_get_nominal_glyph(sfont, cp, &gid) || gid > 0xFFFF)
            continue;   /* not in this face: layout drew a box instead */
        if (or_grow(&pairs, &cap, npairs + 1, sizeof *pairs) != 0) {
            st = diag_nomem(d);
            break;
        }
        pairs[npairs++] = (cmap_pair){(uint16_t)fontset_pdf_codepoint(fs, id, cp), (uint16_t)gid};
    }
    if (st == OR_OK) {
        qsort(pairs, npairs, sizeof *pairs, pair_cmp);
        char ps[64];
        make_ps_name(f->hbface, id, ps, sizeof ps);
        cmap = build_cmap(pairs, npairs, &cmap_len);
        name = build_name(ps, &name_len);
        if (!cmap || !name)
            st = diag_nomem(d);
    }
    if (st == OR_OK) {
        sfnt_table tabs[sizeof keep_tags / sizeof *keep_tags + 3];
        size_t nt = 0;
        for (size_t i = 0; i < sizeof keep_tags / sizeof *keep_tags; i++)
            if (find_table(bytes, blen, keep_tags[i], &tabs[nt]))
                nt++;
        tabs[nt++] = (sfnt_table){TAG('c', 'm', 'a', 'p'), cmap, cmap_len};
        tabs[nt++] = (sfnt_table){TAG('n', 'a', 'm', 'e'), name, name_len};
        /* libharu 2.3.0 writes the 13 tables it knows in a fixed order,
         * prep last, then seeks to each one's start in its memory stream;
         * a seek to the very end fails (HPDF_INVALID_OBJECT) when the
         * stream's size is a multiple of its 4,096-byte blocks, which an
         * absent (empty) prep hits by chance, one subset in a few thousand
         * (generative seed 1002).  A no-op prep (PUSHB[0] 0, POP) is never
         * empty.  The subset has no hinting, so nothing reads it. */
        static const uint8_t noop_prep[] = {0xB0, 0x00, 0x21};
        sfnt_table prep;
        if (!find_table(bytes, blen, TAG('p', 'r', 'e', 'p'), &prep))
            tabs[nt++] = (sfnt_table){TAG('p', 'r', 'e', 'p'), noop_prep, sizeof noop_prep};
        font = assemble(tabs, nt, &font_len);
        if (!font)
            st = diag_nomem(d);
    }
    hb_font_destroy(sfont);
    hb_face_destroy(sface);
    hb_blob_destroy(blob);
    or_free(pairs);
    or_free(cmap);
    or_free(name);
    if (st == OR_OK)
        st = ttf_check_components(font, font_len, f->label, d);
    if (st == OR_OK && !f->subset_path) {
        buf b;
        buf_init(&b, 0);
        buf_printf(&b, "%s/face%d.ttf", fs->tmpdir, id);
        if (!(f->subset_path = buf_steal(&b, NULL)))
            st = diag_nomem(d);
    }
    if (st == OR_OK)
        st = write_bytes(f->subset_path, font, font_len, d);
    if (st == OR_OK) {
        f->subset_len = font_len;
        f->dirty = false;
    }
    or_free(font);
    return st;
}

or_status fontset_build_subsets(fontset *fs, diag *d)
{
    or_status st = make_tmpdir(fs, d);
    for (size_t i = 0; i < fs->nfaces && st == OR_OK; i++) {
        face *f = &fs->faces[i];
        if (fontset_next_used(fs, (int)i, 0) == UINT32_MAX) {
            /* unused now (marks were cleared): no stale subset */
            if (f->subset_path)
                unlink(f->subset_path);
            or_free(f->subset_path);
            f->subset_path = NULL;
            f->subset_len = 0;
            f->dirty = false;
        } else if (f->dirty || !f->subset_path) {
            st = build_one(fs, (int)i, d);
        }
    }
    fs->subset_bytes = 0;
    for (size_t i = 0; i < fs->nfaces; i++)
        if (fs->faces[i].subset_path)
            fs->subset_bytes += fs->faces[i].subset_len;
    return st;
}

const char *fontset_subset_path(const fontset *fs, int id)
{
    face *f = valid_face(fs, id);
    return f && !f->dirty ? f->subset_path : NULL;
}

uint32_t fontset_pdf_codepoint(const fontset *fs, int id, uint32_t cp)
{
    face *f = valid_face(fs, id);
    if (cp < FONTS_BMP)
        return cp;
    if (f) {
        size_t lo = 0, hi = f->npua;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (f->pua_src[mid] == cp)
                return f->pua_code[mid];
            if (f->pua_src[mid] < cp)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    return 0xFFFDu;   /* not mapped: libharu draws .notdef */
}

size_t fontset_subset_bytes(const fontset *fs)
{
    return fs ? fs->subset_bytes : 0;
}
