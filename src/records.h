/* records: loading and validating the XML input records.
 *
 * A data set is a directory (or a list) of XML files; the root element of
 * each names its kind (input-format.md), files of one kind merge.  Every
 * file is checked against data/schema/<kind>.rng, then against the rules a
 * schema cannot state (unique ids across files, references, time order,
 * dates near the contract term).  One run reports every error it finds, as
 * "file:line: error: what is wrong (expected ...)", and then fails with
 * OR_EINPUT: a caller never sees half-valid records.
 *
 * Ownership: records_load_* hands back one `records` that owns everything
 * reachable from it (arrays, strings, the calendar documents); release it
 * with records_free.  Nothing in it points into caller memory.
 *
 * Layout rules, true of every record type below:
 *  - Arrays are REC_VEC: `.v` holds `.n` elements (ignore `.cap`).  Records
 *    of a kind appear in load order: files in the order loaded (sorted by
 *    name for records_load_dir), elements in document order.
 *  - Children live in flat arrays of their own and are linked by index
 *    (size_t, REC_NO_INDEX when absent): e.g. records->findings.v[i].inspection
 *    is an index into records->inspections.v, and inspection.finding_first /
 *    finding_count is the finding range of that inspection.  Indexes, not
 *    pointers, so that the arrays could grow while loading.
 *  - Every record has `src`: the file (as given to the loader) and the line
 *    of its element, for the score sheet's "file:line" citations.
 *  - Dates are od_date (Beijing civil days), instants od_minute (Beijing
 *    minutes; an input offset such as +00:00 is already converted).  An
 *    absent optional date is REC_NO_DATE, an absent optional instant
 *    REC_NO_TIME; both compare below every real value.
 *  - Strings are UTF-8 (whatever the file's encoding was), NUL-terminated.
 *    An optional attribute that is absent is NULL; element text is trimmed
 *    of surrounding white space, "" when empty, NULL when the element itself
 *    is absent.
 *  - Reference attributes keep the id as written *and* the resolved index
 *    (e.g. incident.system + incident.system_index).  After a successful
 *    load every reference the format requires to resolve has a valid index;
 *    person references (`by`, `inspector`, `person`, ...) may be free names,
 *    so their *_index is REC_NO_INDEX when the name is not a staff id.
 *
 * Checks beyond the schema (each an error naming file:line):
 *  - exactly one contract; ids unique within their kind across files (an
 *    inspection and a finding share the `inspections` id space; plans,
 *    drill plans, drills and guarantees share `emergency`'s), a duplicate
 *    names both places;
 *  - references resolve: system ids (inspections, incidents, maintenance,
 *    probes), outage module ids (a module of the incident's system),
 *    finding incident=, deliverable ref=, drill plan= (an emergency plan),
 *    repeat-of (another incident reported no later), asset refs;
 *  - time order: responded/onsite/resolved >= reported, outage, window,
 *    vacancy and guarantee end >= start, finding reported/resolved >= found;
 *  - bounds: every date and instant lies within the contract term widened
 *    by REC_TERM_SLACK_DAYS (366) days on each side;
 *  - no text or attribute value longer than REC_MAX_TEXT bytes.
 * Hostile files are refused before parsing: anything but a regular file
 * (FIFO, device, directory), files over REC_MAX_FILE_BYTES
 * (REC_MAX_PROBES_FILE_BYTES for probes), UTF-16/32 files, any DOCTYPE
 * (so no entity is ever declared, expanded or fetched). */
#ifndef OR_RECORDS_H
#define OR_RECORDS_H

#include "arena.h"
#include "datetime.h"
#include "diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REC_NO_DATE ((od_date)INT32_MIN)
#define REC_NO_TIME ((od_minute)INT64_MIN)
#define REC_NO_INDEX SIZE_MAX

#define REC_MAX_TEXT ((size_t)64 * 1024)                     /* any text or attribute */
#define REC_MAX_FILE_BYTES ((int64_t)64 * 1024 * 1024)        /* every kind but probes */
#define REC_MAX_PROBES_FILE_BYTES ((int64_t)512 * 1024 * 1024)
#define REC_TERM_SLACK_DAYS 366
#define REC_MAX_ERRORS_PER_FILE 50                           /* then "n more suppressed" */

#define REC_VEC(T) struct { T *v; size_t n, cap; }

typedef struct rec_src {
    const char *file;   /* path as given to the loader */
    long line;          /* line of the record's element, 1-based */
} rec_src;

/* The kinds of file, named by their root element. */
typedef enum {
    REC_KIND_CONTRACT,
    REC_KIND_INSPECTIONS,
    REC_KIND_INCIDENTS,
    REC_KIND_MAINTENANCE,
    REC_KIND_DELIVERABLES,
    REC_KIND_EMERGENCY,
    REC_KIND_FEEDBACK,
    REC_KIND_ASSETS,
    REC_KIND_TASKS,
    REC_KIND_STAFFING,
    REC_KIND_ADJUSTMENTS,
    REC_KIND_CALENDAR,
    REC_KIND_PROBES,
    REC_KIND_COUNT
} rec_kind;

/* Root element name of a kind ("contract", ...). */
const char *records_kind_name(rec_kind k);

/* ---- contract ---------------------------------------------------------- */

typedef enum { REC_IMPORTANT, REC_GENERAL } rec_importance;

typedef struct rec_party {
    const char *name, *representative, *phone;   /* representative, phone may be NULL */
} rec_party;

typedef struct rec_payment {
    double percent;       /* of fee_total */
    const char *when;     /* "signing", "acceptance", or another word */
    rec_src src;
} rec_payment;

/* <sla>: every attribute is optional; absent ones hold the Beijing
 * contract's figures, shown after each field. */
typedef struct rec_sla {
    int response_minutes;              /* 30 */
    int onsite_minutes;                /* 60 */
    int resolve_hours;                 /* 8 */
    int feedback_minutes;              /* 15 */
    double failure_rate_max_percent;   /* 1 */
    double satisfaction_min_percent;   /* 95 */
    int page_inspections_per_day;      /* 1 */
    int server_inspections_per_week;   /* 1 */
    rec_src src;                       /* line 0 when <sla> is absent */
} rec_sla;

typedef struct rec_module {
    const char *id, *name;
    size_t system;        /* index into contract.systems */
    rec_src src;
} rec_module;

typedef struct rec_system {
    const char *id, *name;
    rec_importance importance;
    size_t module_first, module_count;   /* range in contract.modules */
    rec_src src;
} rec_system;

typedef struct rec_person {
    const char *id, *name, *role;   /* role may be NULL */
    bool onsite;                    /* on-site staff (1 month notice), else remote (1 week) */
    rec_src src;
} rec_person;

/* <service>: one item of the contract's service content (合同第一条), in
 * the order written.  The reports print name and text as written; `work`
 * says which kinds of record are the evidence of the item, so that a report
 * can place its figures under the item. */
typedef enum {
    REC_WORK_INSPECTION = 1 << 0,   /* inspections and findings */
    REC_WORK_INCIDENT = 1 << 1,     /* incidents and service requests */
    REC_WORK_MAINTENANCE = 1 << 2,  /* planned maintenance windows */
    REC_WORK_TASK = 1 << 3,         /* tasks assigned by the client */
    REC_WORK_EMERGENCY = 1 << 4,    /* plans, drills, guarantees, emergencies */
} rec_work;

typedef struct rec_service {
    const char *name, *text;        /* text "" when the element is empty */
    const char *system;             /* a system id, NULL for the whole contract */
    size_t system_index;            /* into contract.systems, REC_NO_INDEX when NULL */
    unsigned work;                  /* rec_work bits, 0 when work= is absent */
    rec_src src;
} rec_service;

typedef struct rec_contract {
    const char *id, *version, *title;   /* title "" when absent */
    rec_party client, vendor;
    od_date term_start, term_end;       /* both inclusive */
    int64_t fee_total_fen;              /* fee total in fen (0.01 yuan); -1 when no <fee> */
    REC_VEC(rec_payment) payments;
    rec_sla sla;
    REC_VEC(rec_system) systems;
    REC_VEC(rec_module) modules;
    REC_VEC(rec_person) staff;
    REC_VEC(rec_service) services;
    rec_src src;
} rec_contract;

/* ---- inspections ------------------------------------------------------- */

typedef enum { REC_INSP_PAGE, REC_INSP_SERVER } rec_inspection_kind;
typedef enum { REC_PASS, REC_WARN, REC_FAIL } rec_result;

typedef struct rec_check {
    const char *name;
    rec_result result;
    const char *value, *note;   /* NULL when absent */
    size_t inspection;
    rec_src src;
} rec_check;

typedef struct rec_finding {
    const char *id;
    bool in_scope;              /* scope="in" (else "out") */
    bool hazard;                /* hazard="true"; default false */
    od_minute found;
    od_minute reported;         /* REC_NO_TIME: never reported */
    od_minute resolved;         /* REC_NO_TIME: not resolved */
    const char *incident;       /* incident= id or NULL */
    size_t incident_index;      /* into records.incidents, or REC_NO_INDEX */
    const char *text;
    size_t inspection;          /* index into records.inspections */
    rec_src src;
} rec_finding;

typedef struct rec_inspection {
    const char *id;
    rec_inspection_kind kind;
    const char *system;
    size_t system_index;        /* into contract.systems */
    od_minute at;
    const char *inspector, *reviewer;   /* reviewer may be NULL */
    size_t inspector_index, reviewer_index;   /* into contract.staff or REC_NO_INDEX */
    bool abnormal;              /* has a check with result="fail" */
    size_t check_first, check_count;       /* range in records.checks */
    size_t finding_first, finding_count;   /* range in records.findings */
    rec_src src;
} rec_inspection;

/* ---- incidents --------------------------------------------------------- */

typedef enum { REC_INC_FAULT, REC_INC_EMERGENCY, REC_INC_REQUEST, REC_INC_SECURITY } rec_incident_kind;
typedef enum {
    REC_CAUSE_NONE,          /* attribute absent: neither excluded nor third-party */
    REC_CAUSE_HUMAN,
    REC_CAUSE_EQUIPMENT,
    REC_CAUSE_SOFTWARE,
    REC_CAUSE_THIRD_PARTY,   /* excluded from the resolve-hours limit */
    REC_CAUSE_EXTERNAL       /* outages not counted against availability */
} rec_cause;
typedef enum { REC_IMPACT_NONE, REC_IMPACT_SERIOUS, REC_IMPACT_MAJOR } rec_impact;

typedef struct rec_outage {
    od_minute start, end;       /* end >= start */
    const char *module;         /* NULL: the whole system */
    size_t module_index;        /* into contract.modules, or REC_NO_INDEX */
    size_t incident;            /* index into records.incidents */
    size_t system_index;        /* the incident's system (copied for convenience) */
    rec_src src;
} rec_outage;

typedef struct rec_incident {
    const char *id;
    const char *system;
    size_t system_index;
    rec_incident_kind kind;
    int level;                  /* 1..4, 1 most severe; 0 when not graded */
    rec_cause cause;
    bool onsite_required;       /* default false */
    const char *title;          /* "" when absent */
    od_minute reported;         /* always present */
    const char *reported_by, *channel;   /* may be NULL */
    od_minute responded;        /* REC_NO_TIME: never responded */
    const char *responded_by;
    od_minute onsite;           /* REC_NO_TIME: nobody on site */
    od_minute resolved;         /* REC_NO_TIME: not resolved */
    /* seconds within the minute of reported, responded, onsite, resolved
     * (0 when written without): SLA durations are exact to the second */
    int8_t reported_sec, responded_sec, onsite_sec, resolved_sec;
    size_t outage_first, outage_count;   /* range in records.outages */
    const char *cause_text, *action;     /* NULL when absent */
    const char *suggestion;     /* NULL: no <suggestion> */
    bool suggestion_adopted;    /* adopted="true" */
    od_date report_submitted;   /* <report submitted>, or REC_NO_DATE */
    rec_impact impact;
    double deduction;           /* points as written (sign kept); valid if has_deduction */
    bool has_deduction;
    const char *repeat_of;      /* NULL or an incident id */
    size_t repeat_of_index;
    bool data_loss;             /* default false */
    rec_src src;
} rec_incident;

/* ---- maintenance ------------------------------------------------------- */

typedef struct rec_window {
    const char *system;
    size_t system_index;
    od_minute start, end;       /* end >= start */
    const char *approved_by;    /* may be NULL */
    const char *text;
    rec_src src;
} rec_window;

/* ---- deliverables ------------------------------------------------------ */

typedef enum {
    REC_DOC_WEEKLY, REC_DOC_MONTHLY, REC_DOC_QUARTERLY, REC_DOC_HALF_YEAR,
    REC_DOC_ANNUAL, REC_DOC_INCIDENT, REC_DOC_EMERGENCY_PLAN, REC_DOC_DRILL_PLAN,
    REC_DOC_DRILL_REPORT, REC_DOC_GUARANTEE_PLAN, REC_DOC_INSPECTION_REPORT,
    REC_DOC_ASSET_LIST,
    REC_DOC_OTHER               /* any other word: see kind_name */
} rec_doc_kind;

typedef enum {
    REC_PERIOD_NONE, REC_PERIOD_WEEK, REC_PERIOD_MONTH, REC_PERIOD_QUARTER,
    REC_PERIOD_HALF, REC_PERIOD_YEAR
} rec_period_kind;

typedef struct rec_document {
    rec_doc_kind kind;
    const char *kind_name;      /* as written */
    const char *period;         /* as written, NULL when absent */
    rec_period_kind period_kind;
    od_date period_first, period_last;   /* inclusive; REC_NO_DATE without period */
    const char *ref;            /* incident id for kind incident, else NULL */
    size_t ref_index;           /* into records.incidents */
    od_date submitted;
    int missing_items, typos, inaccuracies;   /* review findings; 0 when absent */
    bool filed;                 /* default true */
    rec_src src;
} rec_document;

/* ---- emergency --------------------------------------------------------- */

typedef struct rec_plan {
    const char *id;
    od_date approved;           /* REC_NO_DATE: not approved */
    const char *title;
    rec_src src;
} rec_plan;

typedef struct rec_drill_plan {
    const char *id;
    od_date submitted;          /* REC_NO_DATE: not submitted */
    rec_src src;
} rec_drill_plan;

typedef struct rec_drill {
    const char *id;
    const char *plan;           /* NULL or a plan id */
    size_t plan_index;          /* into records.plans */
    od_date scheduled;          /* REC_NO_DATE when absent */
    od_date held;               /* REC_NO_DATE: not held */
    od_date report_submitted;   /* REC_NO_DATE: no report */
    const char *title;
    rec_src src;
} rec_drill;

typedef struct rec_guarantee {
    const char *id;
    od_minute start, end;       /* end >= start; end as written (23:59 = through that minute) */
    rec_importance importance;
    od_date plan_submitted;     /* REC_NO_DATE: no plan */
    const char *title;
    rec_src src;
} rec_guarantee;

/* ---- feedback ---------------------------------------------------------- */

typedef enum { REC_SURVEY_OVERALL, REC_SURVEY_DAILY } rec_survey_kind;
typedef enum { REC_VERY_SATISFIED, REC_SATISFIED, REC_BASIC, REC_UNSATISFIED } rec_rating;

typedef struct rec_survey {
    od_date date;
    rec_survey_kind kind;
    const char *respondent;     /* may be NULL */
    rec_rating rating;
    rec_src src;
} rec_survey;

/* A complaint or a praise. */
typedef struct rec_remark {
    od_date date;
    rec_importance from;        /* important: division level or above */
    const char *text;
    rec_src src;
} rec_remark;

/* ---- assets ------------------------------------------------------------ */

typedef struct rec_asset {
    const char *id, *kind, *name;   /* kind, name may be NULL */
    rec_src src;
} rec_asset;

typedef struct rec_asset_change {
    const char *asset;
    size_t asset_index;
    od_date confirmed, recorded;
    const char *text;
    rec_src src;
} rec_asset_change;

typedef struct rec_inventory {
    od_date date;
    bool completed;             /* default true */
    rec_src src;
} rec_inventory;

typedef struct rec_loss {
    const char *asset;
    size_t asset_index;
    od_date date;
    bool human;                 /* default false */
    rec_src src;
} rec_loss;

/* ---- tasks, staffing, adjustments -------------------------------------- */

typedef struct rec_task {
    const char *id;
    od_minute assigned;
    od_date due;
    od_date done;               /* REC_NO_DATE: not done */
    od_minute feedback;         /* REC_NO_TIME: no feedback */
    const char *by;             /* may be NULL */
    const char *text;
    rec_src src;
} rec_task;

typedef struct rec_staff_change {
    const char *person;
    size_t person_index;        /* into contract.staff, or REC_NO_INDEX for a free name */
    od_date date;
    od_date notified;           /* REC_NO_DATE: never notified */
    rec_src src;
} rec_staff_change;

typedef struct rec_vacancy {
    const char *role;
    od_date start, end;         /* inclusive, end >= start */
    rec_src src;
} rec_vacancy;

typedef struct rec_adjustment {
    const char *rule;
    od_date date;
    double points;              /* signed, as written */
    const char *by;             /* may be NULL */
    const char *reason;
    rec_src src;
} rec_adjustment;

/* ---- calendar (parsed by the calendar module) -------------------------- */

struct _xmlDoc;   /* libxml2's xmlDoc */

/* A validated <calendar> file.  doc is the parsed libxml2 document (an
 * xmlDocPtr), owned by the records: hand it to calendar_apply_* while the
 * records live, do not free it. */
typedef struct rec_calendar_file {
    const char *path;
    struct _xmlDoc *doc;
    rec_src src;                /* the root element */
} rec_calendar_file;

/* ---- probes ------------------------------------------------------------ */

/* Probe samples of one system, merged over its probe files: per Beijing day,
 * how many samples there were and how many were ok.  Day i of the arrays is
 * first_day + i; days without samples hold 0/0.  Probe availability of
 * whole days [a, b] = sum ok / sum total over those days. */
typedef struct rec_probe_series {
    const char *system;
    size_t system_index;
    const char *target;         /* of the first file */
    int interval_seconds;       /* of the first file */
    od_date first_day;
    size_t n_days;
    uint32_t *ok, *total;       /* n_days each */
    uint64_t samples, ok_samples;
    rec_src src;                /* root element of the first file */
} rec_probe_series;

/* ---- the files loaded -------------------------------------------------- */

/* One file of the data set, in load order.  tree is its validated
 * document (an xmlDocPtr) when the load kept trees (REC_LOAD_KEEP_TREES;
 * never for probes), else NULL.  A calendar file's tree is the one in
 * calendar_files (tree_owned false). */
typedef struct rec_file {
    const char *path;
    rec_kind kind;
    struct _xmlDoc *tree;
    bool tree_owned;
} rec_file;

/* ---- the whole data set ------------------------------------------------ */

typedef struct records {
    rec_contract contract;
    REC_VEC(rec_inspection) inspections;
    REC_VEC(rec_check) checks;
    REC_VEC(rec_finding) findings;
    REC_VEC(rec_incident) incidents;
    REC_VEC(rec_outage) outages;
    REC_VEC(rec_window) windows;
    REC_VEC(rec_document) documents;
    REC_VEC(rec_plan) plans;
    REC_VEC(rec_drill_plan) drill_plans;
    REC_VEC(rec_drill) drills;
    REC_VEC(rec_guarantee) guarantees;
    REC_VEC(rec_survey) surveys;
    REC_VEC(rec_remark) complaints;
    REC_VEC(rec_remark) praise;
    REC_VEC(rec_asset) assets;
    REC_VEC(rec_asset_change) asset_changes;
    REC_VEC(rec_inventory) inventories;
    REC_VEC(rec_loss) losses;
    REC_VEC(rec_task) tasks;
    REC_VEC(rec_staff_change) staff_changes;
    REC_VEC(rec_vacancy) vacancies;
    REC_VEC(rec_adjustment) adjustments;
    REC_VEC(rec_calendar_file) calendar_files;
    REC_VEC(rec_probe_series) probes;
    REC_VEC(rec_file) files;                 /* every file loaded, in load order */
    size_t files_per_kind[REC_KIND_COUNT];   /* files loaded, by kind */
    arena mem;                  /* strings */
} records;

/* Loads every "*.xml" entry of dir (names starting with '.' skipped), in
 * byte order of their names.  Subdirectories are not read, and nothing is
 * skipped silently: an entry named *.xml that is not a regular file (a
 * directory, a FIFO, a symbolic link to a directory or to nothing) and a
 * subdirectory that holds *.xml files (at any depth) are errors naming the
 * path.  schema_dir holds the <kind>.rng schemas (data/schema).  On OR_OK
 * *out owns the records; on OR_EINPUT (bad records: all errors went to d)
 * or OR_ESYS (I/O, memory, unreadable schema) *out is NULL. */
or_status records_load_dir(records **out, const char *dir, const char *schema_dir, diag *d);

/* The same for an explicit list of n files, loaded in the given order. */
or_status records_load_files(records **out, const char *const *paths, size_t n,
                             const char *schema_dir, diag *d);

/* Load flags.  REC_LOAD_KEEP_TREES keeps the validated tree of every file
 * but probes in records->files (render hands them to its templates, so
 * that what a template reads is exactly what was validated). */
enum { REC_LOAD_KEEP_TREES = 1u };
or_status records_load_dir_flags(records **out, const char *dir, const char *schema_dir, unsigned flags,
                                 diag *d);
or_status records_load_files_flags(records **out, const char *const *paths, size_t n, const char *schema_dir,
                                   unsigned flags, diag *d);

/* Frees the tree kept for files.v[i] (if owned) before records_free. */
void records_release_tree(records *r, size_t i);

/* Frees r and everything it owns; NULL is a no-op. */
void records_free(records *r);

/* Looks up a system by id; REC_NO_INDEX when there is none. */
size_t records_find_system(const records *r, const char *id);

#ifdef RECORDS_INTERNAL
/* Shared between records*.c only; not part of the interface. */
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/relaxng.h>
typedef struct rec_loader rec_loader;
/* Queues an error for the current file (flushed sorted by line). */
void rec_file_error(rec_loader *L, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Extracts a validated-or-not document of kind k into the records. */
void rec_extract(rec_loader *L, rec_kind k, xmlNodePtr root);
/* Streams a probes file from fd (already checked) into the records. */
void rec_load_probes(rec_loader *L, int fd, xmlRelaxNGPtr schema);
records *rec_loader_records(rec_loader *L);
/* Line where element n's start tag begins. */
long rec_node_line(xmlNodePtr n);
/* libxml2 structured error callback (ctx is the loader). */
void rec_xml_error(void *ctx, xmlErrorPtr e);
const char *rec_loader_file(rec_loader *L);
void rec_loader_nomem(rec_loader *L);
/* True once the current file has the most messages that are kept and one
 * of them is an error: the file is refused anyway, so reading on would
 * only count what nobody sees.  The caller stops reading and tells where
 * with rec_stopped_at. */
bool rec_should_stop(rec_loader *L);
void rec_stopped_at(rec_loader *L, long line);
/* While streaming probes: the line of the element being read (0 after). */
void rec_set_stream_line(rec_loader *L, long line);
/* Remembers a parsed date/instant for the term-bounds check at the end. */
void rec_note_time(rec_loader *L, od_minute t, long line, const char *what);
/* Grows vec by one zeroed element; NULL (and the loader marked out of
 * memory) on failure. */
void *rec_push_raw(rec_loader *L, void *items, size_t *n, size_t *cap, size_t size);
#define REC_PUSH(L, vec) rec_push_raw((L), &(vec).v, &(vec).n, &(vec).cap, sizeof *(vec).v)
#endif

#endif
