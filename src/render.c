#include "render.h"

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
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the data document ------------------------------------------------------ */

static int render_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Probes files hold a year of minute samples: their root is read with the
 * streaming reader, so the file is never built as a tree just to be
 * skipped. */
static bool render_is_probes(const char *path)
{
    xmlTextReaderPtr r = xmlReaderForFile(path, NULL, XML_PARSE_NONET);
    bool probes = false;
    while (r && xmlTextReaderRead(r) == 1)
        if (xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT) {
            probes = xmlStrEqual(xmlTextReaderConstLocalName(r), (const xmlChar *)"probes");
            break;
        }
    xmlFreeTextReader(r);
    return probes;
}

/* Appends the root element of every record file of `dir` (sorted by name,
 * as the records loader reads them) under `records`.  The loader has
 * already validated these files and refused hostile ones; probes are left
 * out (millions of samples, and the facts hold their figures). */
static or_status render_add_records(xmlNodePtr into, const char *dir, diag *d)
{
    DIR *dp = opendir(dir);
    if (!dp) {
        diag_error(d, dir, 0, "cannot read the data directory");
        return OR_ESYS;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    or_status st = OR_OK;
    struct dirent *e;
    while (st == OR_OK && (e = readdir(dp))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".xml") != 0)
            continue;
        char *copy = or_strdup(e->d_name);
        if (!copy || or_grow(&names, &cap, n + 1, sizeof *names) != 0) {
            or_free(copy);
            st = diag_nomem(d);
            break;
        }
        names[n++] = copy;
    }
    closedir(dp);
    if (n)
        qsort(names, n, sizeof *names, render_name_cmp);
    for (size_t i = 0; i < n && st == OR_OK; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (render_is_probes(path))
            continue;
        xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_BIG_LINES);
        xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
        if (!root) {
            diag_error(d, path, 0, "cannot read the record file again");
            st = OR_ESYS;
        } else if (!xmlStrEqual(root->name, (const xmlChar *)"probes")) {
            xmlNodePtr copy = xmlDocCopyNode(root, into->doc, 1);
            if (!copy || !xmlAddChild(into, copy)) {
                xmlFreeNode(copy);
                st = diag_nomem(d);
            } else if (personal_mask_tree(copy, false) < 0) {
                /* the template then never sees a personal number whole */
                st = diag_nomem(d);
            } else {
                xmlSetProp(copy, (const xmlChar *)"file", (const xmlChar *)path);
            }
        }
        xmlFreeDoc(doc);
    }
    for (size_t i = 0; i < n; i++)
        or_free(names[i]);
    or_free(names);
    return st;
}

static or_status render_data(const render_request *rq, const dataset *ds, const od_period *p, const char *today,
                             xmlDocPtr *out, diag *d)
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
            diag_warn(d, NULL, 0, "%s", f->warnings[i]);
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
            xmlAddPrevSibling(recs, facts_copy);
            st = render_add_records(recs, rq->data_dir, d);
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

static void render_template_path(const render_request *rq, char *out, size_t size)
{
    size_t len = strlen(rq->document);
    if (strchr(rq->document, '/') || (len > 4 && strcmp(rq->document + len - 4, ".xml") == 0))
        snprintf(out, size, "%s", rq->document);
    else
        snprintf(out, size, "%s/templates/%s.xml", rq->home, rq->document);
}

or_status render_run(const render_request *rq, diag *d)
{
    char tpath[PATH_MAX], today_text[11];
    render_template_path(rq, tpath, sizeof tpath);
    dataset ds;
    od_period p;
    od_date today;
    template *tpl = NULL;
    xmlDocPtr data = NULL;
    dl_doc dl;
    dl_doc_init(&dl);
    /* The template is read first: a missing or broken one is found before
     * any computing. */
    or_status st = template_load(&tpl, tpath, d);
    if (st == OR_OK)
        st = dataset_load(&ds, rq->data_dir, rq->home, rq->rules, d);
    else
        memset(&ds, 0, sizeof ds);
    if (st == OR_OK)
        st = dataset_period(&ds, rq->period, rq->today, &p, &today, d);
    if (st == OR_OK) {
        od_format_date(today, today_text);
        st = render_data(rq, &ds, &p, today_text, &data, d);
    }
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
