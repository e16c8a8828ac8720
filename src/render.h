/* render: one document from a data directory: records → facts → template
 * → layout → PDF.  The template binds to a data document
 *
 *   <data document="monthly" period="2026-07" today="2026-08-01">
 *     <facts …/>            (docs/facts-xml.md)
 *     <records>             (the root element of every record file as the loader
 *                            validated it, in load order; probes left out)
 *       <contract …/> <inspections …/> <incidents …/> …
 *     </records>
 *   </data>
 *
 * and its output is streamed into layout block by block, so a thousand
 * one-page records never exist as one tree. */
#ifndef OR_RENDER_H
#define OR_RENDER_H

#include "diag.h"
#include "fonts.h"
#include "template.h"

typedef struct render_request {
    const char *document;   /* a name (monthly, …: templates/NAME.xml) or a template path */
    const char *data_dir;
    const char *period;     /* period syntax (period.h) */
    const char *today;      /* YYYY-MM-DD, NULL for the clock */
    const char *rules;      /* NULL: the installation's rules file */
    const char *output;     /* the PDF; written atomically */
    const char *home;       /* the installation's data directory */
    const char *templates;  /* --templates: searched before home/templates (NULL: the data set's
                               opsreport.conf 'templates = DIR', else none) */
    fontset *fonts;
    long long created;      /* SOURCE_DATE_EPOCH, or -1 */
    const template_param *params;   /* the template's own options (--param) */
    size_t nparams;
} render_request;

or_status render_run(const render_request *rq, diag *d);

#endif
