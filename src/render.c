#include "render.h"
#include "pathfmt.h"

#include "alloc.h"
#include "buf.h"
#include "dataset.h"
#include "doc.h"
#include "facts.h"
#include "layout.h"
#include "pdfout.h"
#include "personal.h"
#include "template.h"

#include <dirent.h>
#include <errno.h>
#include <libxml/parser.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --- the data document ------------------------------------------------------ */

/* Appends the root element of every record file under `records`, in load
 * order: the trees the records loader validated (it refused hostile files
 * and checked each against its schema), so a template reads exactly what
 * `check` accepted and the directory is listed once.  Probes are left out
 * (millions of samples; the facts hold their figures).  Each kept tree is
 * freed once copied, so at most one file exists twice. */
static or_status render_add_records(xmlNodePtr into, records *r, diag *d)
{
    for (size_t i = 0; i < r->files.n; i++) {
        const rec_file *f = &r->files.v[i];
        if (f->kind == REC_KIND_PROBES)
            continue;
        xmlNodePtr root = f->tree ? xmlDocGetRootElement(f->tree) : NULL;
        if (!root) {
            diag_error(d, f->path, 0, "the validated records of this file were not kept (internal error)");
            return OR_ESYS;
        }
        /* The loader's tree is moved, not copied, when it is ours to take:
         * a copy doubled the peak memory of a large data set. */
        xmlNodePtr copy;
        if (f->tree_owned) {
            xmlUnlinkNode(root);
            if (xmlDOMWrapAdoptNode(NULL, f->tree, root, into->doc, into, 0) != 0) {
                xmlFreeNode(root);
                return diag_nomem(d);
            }
            copy = root;
        } else {
            copy = xmlDocCopyNode(root, into->doc, 1);
        }
        if (!copy || !xmlAddChild(into, copy)) {
            xmlFreeNode(copy);
            return diag_nomem(d);
        }
        /* the template then never sees a personal number whole */
        if (personal_mask_tree(copy, false) < 0)
            return diag_nomem(d);
        if (!xmlSetProp(copy, (const xmlChar *)"file", (const xmlChar *)f->path))
            return diag_nomem(d);
        records_release_tree(r, i);
    }
    return OR_OK;
}

static or_status render_data(const render_request *rq, dataset *ds, const od_period *p, const char *today,
                             bool as_of, xmlDocPtr *out, diag *d)
{
    facts *f = NULL;
    buf text;
    buf_init(&text, 0);
    xmlDocPtr data = NULL, fdoc = NULL;
    or_status st = facts_compute(&f, ds->records, ds->cal, ds->rules, p, d);
    if (st == OR_OK)
        st = facts_write(f, FACTS_XML, &text, d);
    if (st == OR_OK) {
        for (size_t i = 0; i < f->n_warnings; i++)
            diag_warn(d, NULL, 0, "%s", f->warnings_shown[i]);
        fdoc = xmlReadMemory(buf_cstr(&text), (int)text.len, "facts.xml", "UTF-8", XML_PARSE_NONET);
        data = xmlNewDoc((const xmlChar *)"1.0");
        if (!fdoc || !data)
            st = diag_nomem(d);
    }
    if (st == OR_OK) {
        xmlNodePtr root = xmlNewDocNode(data, NULL, (const xmlChar *)"data", NULL);
        xmlNodePtr facts_copy = root ? xmlDocCopyNode(xmlDocGetRootElement(fdoc), data, 1) : NULL;
        xmlNodePtr recs = root ? xmlNewChild(root, NULL, (const xmlChar *)"records", NULL) : NULL;
        if (!root || !facts_copy || !recs) {
            xmlFreeNode(facts_copy);
            xmlFreeNode(root);
            st = diag_nomem(d);
        } else {
            xmlDocSetRootElement(data, root);
            xmlSetProp(root, (const xmlChar *)"document", (const xmlChar *)rq->document);
            xmlSetProp(root, (const xmlChar *)"period", (const xmlChar *)p->label);
            xmlSetProp(root, (const xmlChar *)"today", (const xmlChar *)today);
            if (as_of)
                xmlSetProp(root, (const xmlChar *)"as-of", (const xmlChar *)"true");
            xmlAddPrevSibling(recs, facts_copy);
            st = render_add_records(recs, ds->records, d);
        }
    }
    xmlFreeDoc(fdoc);
    buf_free(&text);
    facts_free(f);
    if (st != OR_OK) {
        xmlFreeDoc(data);
        return st;
    }
    *out = data;
    return OR_OK;
}

/* --- template output into layout ------------------------------------------------ */

typedef struct render_feed {
    const template *tpl;
    const char *tpl_path;
    xmlDocPtr data;
    const template_param *params;
    size_t nparams;
    const calendar *cal;
    /* per pass */
    doc_block_fn fn;
    void *fn_ctx;
    diag *d;
    bool root_checked;
} render_feed;

/* Each block the template completes is checked against the layout
 * vocabulary (errors name the template) and handed to layout. */
static or_status render_emit(void *ctx, xmlNodePtr root, xmlNodePtr block)
{
    render_feed *f = ctx;
    if (!f->root_checked) {
        if (!xmlStrEqual(root->name, (const xmlChar *)"document")) {
            diag_error(f->d, f->tpl_path, xmlGetLineNo(root), "the template makes <%s> (expected <document>)",
                       (const char *)root->name);
            return OR_EINPUT;
        }
        or_status st = doc_check_root_element(root, f->tpl_path, f->d);
        if (st)
            return st;
        f->root_checked = true;
    }
    if (!block)
        return OR_OK;
    or_status st = doc_check_block(block, f->tpl_path, f->d);
    return st ? st : f->fn(f->fn_ctx, root, block);
}

static or_status render_feed_pass(void *ctx, doc_block_fn fn, void *fn_ctx, diag *d)
{
    render_feed *f = ctx;
    f->fn = fn;
    f->fn_ctx = fn_ctx;
    f->d = d;
    f->root_checked = false;
    return template_expand_stream(f->tpl, f->data, f->params, f->nparams, f->cal, render_emit, f, d);
}

/* A document is a name (templates/NAME.xml of the installation) unless it
 * looks like a path. */
static bool render_is_path(const char *document)
{
    size_t len = strlen(document);
    return strchr(document, '/') || (len > 4 && strcmp(document + len - 4, ".xml") == 0);
}

/* The data set's settings file, DATA/opsreport.conf: lines "templates =
 * DIR" (relative to DATA unless absolute), blank lines and # comments.
 * out gets "" when there is no such file or line. */
static or_status render_read_conf(const char *data_dir, char *out, size_t size, diag *d)
{
    char path[PATH_MAX], line[PATH_MAX + 64];
    out[0] = '\0';
    or_status st = path_format(d, path, sizeof path, "%s/opsreport.conf", data_dir);
    if (st != OR_OK)
        return st;
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT ? OR_OK : (diag_error(d, path, 0, "cannot read the settings: %s", strerror(errno)), OR_ESYS);
    long no = 0;
    while (st == OR_OK && fgets(line, sizeof line, f)) {
        no++;
        size_t len = strcspn(line, "\r\n");
        line[len] = '\0';
        char *k = line + strspn(line, " \t");
        if (*k == '\0' || *k == '#')
            continue;
        char *eq = strchr(k, '=');
        char *ke = eq ? eq : k + strlen(k);
        while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
            ke--;
        if (!eq || (size_t)(ke - k) != strlen("templates") || strncmp(k, "templates", (size_t)(ke - k)) != 0) {
            diag_error(d, path, no, "'%s': not a setting (expected 'templates = DIR')", k);
            st = OR_EINPUT;
            break;
        }
        char *v = eq + 1 + strspn(eq + 1, " \t");
        size_t vl = strlen(v);
        while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
            v[--vl] = '\0';
        if (!vl) {
            diag_error(d, path, no, "templates: the directory is missing (expected 'templates = DIR')");
            st = OR_EINPUT;
        } else if (v[0] == '/') {
            st = path_format(d, out, size, "%s", v);
        } else {
            st = path_format(d, out, size, "%s/%s", data_dir, v);
        }
    }
    fclose(f);
    return st;
}

static or_status render_template_path(const render_request *rq, const char *overlay, char *out, size_t size,
                                      diag *d)
{
    struct stat sb;
    if (render_is_path(rq->document))
        return path_format(d, out, size, "%s", rq->document);
    if (overlay && *overlay) {
        or_status st = path_format(d, out, size, "%s/%s.xml", overlay, rq->document);
        if (st != OR_OK || (stat(out, &sb) == 0 && S_ISREG(sb.st_mode)))
            return st;
    }
    return path_format(d, out, size, "%s/templates/%s.xml", rq->home, rq->document);
}

static int render_str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A document name with no template is a command-line error that lists the
 * documents there are (the templates/NAME.xml of the installation). */
static or_status render_unknown_document(const render_request *rq, const char *tpath, diag *d)
{
    char dir[PATH_MAX];
    or_status pst = path_format(d, dir, sizeof dir, "%s/templates", rq->home);
    if (pst != OR_OK)
        return pst;
    char **names = NULL;
    size_t n = 0, cap = 0;
    or_status st = OR_OK;
    DIR *dp = opendir(dir);
    struct dirent *e;
    while (dp && st == OR_OK && (e = readdir(dp))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".xml") != 0)
            continue;
        char *name = or_strndup(e->d_name, len - 4);
        if (!name || or_grow(&names, &cap, n + 1, sizeof *names) != 0) {
            or_free(name);
            st = diag_nomem(d);
        } else {
            names[n++] = name;
        }
    }
    if (dp)
        closedir(dp);
    if (st == OR_OK) {
        if (n)
            qsort(names, n, sizeof *names, render_str_cmp);
        buf list;
        buf_init(&list, 0);
        for (size_t i = 0; i < n; i++)
            buf_printf(&list, "%s%s", i ? ", " : "", names[i]);
        diag_error(d, NULL, 0, "unknown document '%s': there is no %s (expected one of: %s; or the path of a "
                   "template file, e.g. ./my-report.xml)", rq->document, tpath,
                   n && buf_cstr(&list) ? buf_cstr(&list) : "none installed");
        buf_free(&list);
        st = OR_EUSAGE;
    }
    for (size_t i = 0; i < n; i++)
        or_free(names[i]);
    or_free(names);
    return st;
}

/* Parameters render sets itself; --param may not override them. */
static const struct {
    const char *name, *use;
} render_own_params[] = {
    {"document", "the document named on the command line"},
    {"period", "use --period"},
    {"start", "the first day of --period"},
    {"end", "the last day of --period"},
    {"today", "use --today"},
};

static const char *render_own_param(const char *name)
{
    for (size_t i = 0; i < sizeof render_own_params / sizeof *render_own_params; i++)
        if (strcmp(render_own_params[i].name, name) == 0)
            return render_own_params[i].use;
    return NULL;
}

/* Joins up to `max` strings for a message ("a, b, c, and 12 more"); a
 * value longer than 60 bytes is cut (at a character boundary) with "…". */
static void render_join(buf *b, char *const *v, size_t n, size_t max)
{
    for (size_t i = 0; i < n && i < max; i++) {
        size_t len = strlen(v[i]), cut = len > 60 ? 60 : len;
        while (cut < len && cut > 0 && ((unsigned char)v[i][cut] & 0xC0) == 0x80)
            cut--;
        buf_printf(b, "%s%.*s%s", i ? ", " : "", (int)cut, v[i], cut < len ? "…" : "");
    }
    if (n > max)
        buf_printf(b, ", and %zu more", n - max);
}

/* Every --param must name a parameter the template declares (and render
 * does not set itself); with `data`, its value must also be one the
 * declaration admits (values= / one-of=, docs/template-language.md).  A
 * violation is a command-line error (OR_EUSAGE) that lists what would do.
 * All problems are reported, not only the first. */
static or_status render_check_params(const render_request *rq, const template *tpl, xmlDocPtr data,
                                     const calendar *cal, diag *d)
{
    size_t declared = template_param_count(tpl);
    or_status st = OR_OK;
    for (size_t k = 0; k < rq->nparams && st != OR_ESYS; k++) {
        const template_param *given = &rq->params[k];
        const char *own = render_own_param(given->name);
        size_t idx = declared;
        for (size_t i = 0; i < declared && idx == declared; i++)
            if (strcmp(template_param_name(tpl, i, NULL), given->name) == 0)
                idx = i;
        if (own) {
            if (!data)
                diag_error(d, NULL, 0, "--param %s=%s: render sets '%s' itself (%s)", given->name, given->value,
                           given->name, own);
            st = st ? st : OR_EUSAGE;
            continue;
        }
        if (idx == declared) {
            if (data)
                continue;   /* reported in the first round */
            char **names = or_calloc(declared ? declared : 1, sizeof *names);
            size_t n = 0;
            if (!names) {
                st = diag_nomem(d);
                break;
            }
            for (size_t i = 0; i < declared; i++) {
                const char *nm = template_param_name(tpl, i, NULL);
                if (!render_own_param(nm))
                    names[n++] = (char *)nm;
            }
            buf list;
            buf_init(&list, 0);
            render_join(&list, names, n, n);
            if (n)
                diag_error(d, NULL, 0, "--param %s=%s: %s declares no parameter '%s' (expected one of: %s)",
                           given->name, given->value, template_path(tpl), given->name, buf_cstr(&list));
            else
                diag_error(d, NULL, 0, "--param %s=%s: %s declares no parameter '%s' (it takes no --param)",
                           given->name, given->value, template_path(tpl), given->name);
            buf_free(&list);
            or_free(names);
            st = st ? st : OR_EUSAGE;
            continue;
        }
        if (!data)
            continue;
        template_values vals;
        or_status vs = template_param_values(tpl, idx, data, cal, &vals, d);
        if (vs != OR_OK) {
            st = vs;
            break;
        }
        bool found = !vals.restricted;
        for (size_t i = 0; i < vals.n && !found; i++)
            found = strcmp(vals.v[i], given->value) == 0;
        if (!found) {
            long line = 0;
            (void)template_param_name(tpl, idx, &line);
            buf list;
            buf_init(&list, 0);
            render_join(&list, vals.v, vals.n, 40);
            const char *shown = buf_cstr(&list);
            diag_error(d, NULL, 0, "--param %s=%s: '%s' is not a value of %s here (expected %s%s; declared at %s:%ld)",
                       given->name, given->value, given->value, given->name, vals.n ? "one of: " : "",
                       vals.n && shown ? shown : "none: these records hold no value for it", template_path(tpl),
                       line);
            buf_free(&list);
            st = st ? st : OR_EUSAGE;
        }
        template_values_free(&vals);
    }
    return st;
}

or_status render_run(const render_request *rq, diag *d)
{
    char tpath[PATH_MAX], today_text[11], overlay[PATH_MAX], base[PATH_MAX];
    dataset ds;
    od_period p;
    od_date today;
    template *tpl = NULL;
    xmlDocPtr data = NULL;
    dl_doc dl;
    dl_doc_init(&dl);
    /* The template is read first: a missing or broken one, or a --param it
     * does not declare, is found before any computing. */
    struct stat sb;
    or_status st = OR_OK;
    if (rq->templates)
        st = path_format(d, overlay, sizeof overlay, "%s", rq->templates);
    else
        st = render_read_conf(rq->data_dir, overlay, sizeof overlay, d);
    if (st == OR_OK && *overlay && (stat(overlay, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
        diag_error(d, NULL, 0, "templates directory '%s': %s (expected a directory of templates, e.g. one "
                   "holding parts/cover.xml)", overlay, stat(overlay, &sb) != 0 ? strerror(errno) : "not a directory");
        st = rq->templates ? OR_EUSAGE : OR_EINPUT;
    }
    if (st == OR_OK)
        st = path_format(d, base, sizeof base, "%s/templates", rq->home);
    if (st == OR_OK)
        st = render_template_path(rq, overlay, tpath, sizeof tpath, d);
    if (st == OR_OK && !render_is_path(rq->document) && (stat(tpath, &sb) != 0 || !S_ISREG(sb.st_mode)))
        st = render_unknown_document(rq, tpath, d);
    if (st == OR_OK)
        st = template_load_search(&tpl, tpath, base, *overlay ? overlay : NULL, d);
    if (st == OR_OK)
        st = render_check_params(rq, tpl, NULL, NULL, d);
    if (st == OR_OK)
        st = dataset_load(&ds, rq->data_dir, rq->home, rq->rules, REC_LOAD_KEEP_TREES, d);
    else
        memset(&ds, 0, sizeof ds);
    if (st == OR_OK)
        st = dataset_period(&ds, rq->period, rq->today, &p, &today, d);
    if (st == OR_OK) {
        /* A report is dated no earlier than the end of its period; only an
         * explicit --today dates it earlier, and the document then says
         * 截至 that day (/data/@as-of). */
        if (!rq->today && today < p.last)
            today = p.last;
        od_format_date(today, today_text);
        st = render_data(rq, &ds, &p, today_text, today < p.last, &data, d);
    }
    if (st == OR_OK)
        st = render_check_params(rq, tpl, data, ds.cal, d);
    /* From here on the template reads the data document; only the calendar
     * (f:workday-add) is still needed. */
    records_free(ds.records);
    ds.records = NULL;
    kpi_rules_free(ds.rules);
    ds.rules = NULL;
    if (st == OR_OK) {
        char first[11], last[11];
        od_format_date(p.first, first);
        od_format_date(p.last, last);
        template_param params[32] = {
            {"document", rq->document}, {"period", p.label}, {"start", first}, {"end", last}, {"today", today_text},
        };
        size_t nparams = 5;
        for (size_t i = 0; i < rq->nparams && nparams < sizeof params / sizeof *params; i++)
            params[nparams++] = rq->params[i];
        render_feed feed = {tpl, tpath, data, params, nparams, ds.cal, NULL, NULL, d, false};
        layout_source src = {render_feed_pass, &feed, tpath};
        /* Without SOURCE_DATE_EPOCH, the report is dated `today` (midnight,
         * Beijing time): the same records, period and day give the same
         * bytes. */
        layout_options lo = {.base_dir = rq->home, .created = rq->created,
                             .fallback_created = (long long)today * 86400 - 8 * 3600};
        st = layout_stream(&src, rq->fonts, &lo, &dl, d);
    }
    xmlFreeDoc(data);
    if (st == OR_OK)
        st = pdf_write_release(&dl, rq->fonts, rq->output, d);
    dl_doc_free(&dl);
    template_free(tpl);
    dataset_free(&ds);
    return st;
}
