/* template_internal: what template.c (the engine) and template_funcs.c
 * (the XPath extension functions) share.  Not for other modules. */
#ifndef OR_TEMPLATE_INTERNAL_H
#define OR_TEMPLATE_INTERNAL_H

#include "calendar.h"

#include <libxml/xpath.h>
#include <stdbool.h>

/* The functions' view of an expansion.  The XPath context's userData points
 * here (libxml2 hands userData to the structured error handler too, so one
 * pointer serves both).  A function that fails writes its message into msg
 * and sets `failed`; the engine then reports msg with the template's
 * file:line and the expression. */
typedef struct template_fctx {
    const calendar *cal;   /* NULL: working-day functions fail */
    xmlNodePtr current;    /* the t:for-each item (or the top-level context): current() */
    xmlDocPtr data;        /* the data document: f:record looks in its /data/records */
    struct _xmlHashTable *records_by_id;   /* f:record's index, built at its first call; owned */
    bool failed;
    bool nomem;
    char msg[512];
} template_fctx;

/* Registers every f: function (in TEMPLATE_FUNCTIONS_NS) and current() on
 * xp.  Returns 0, or -1 when libxml2 could not allocate. */
int template_funcs_register(xmlXPathContextPtr xp);

/* Load-time check: is `local` a function of TEMPLATE_FUNCTIONS_NS, and
 * with how many arguments?  (XPath itself checks nothing until the call is
 * evaluated, so a misspelled name in a rarely taken branch would go
 * unnoticed.) */
bool template_funcs_arity(const char *local, int *min, int *max);

/* Frees what the functions built during one run (f:record's index). */
void template_fctx_done(template_fctx *fc);

/* Records a function's error (the first one wins). */
void template_fctx_fail(template_fctx *fc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
