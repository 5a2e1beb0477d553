/*
 * cmd_scan.c - `vulntrack scan`: SBOMs in, known vulnerabilities out, as a
 * table, the JSON contract, SARIF, CycloneDX VEX or OpenVEX.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli.h"
#include "scan_table.h"
#include "vulntrack/alloc.h"
#include "vulntrack/out.h"
#include "vulntrack/sbom.h"
#include "vulntrack/scan.h"
#include "vulntrack/store.h"
#include "vulntrack/strparse.h"

static int run_scan(int argc, char **argv);

const cli_command cli_cmd_scan = {
    "scan",
    "list the known vulnerabilities of the components of SBOMs",
    "usage: vulntrack scan [--db FILE] [--format FORMAT] [--fail-on GRADE]\n"
    "                      [--validate [--schemas DIR]] SBOM...\n"
    "\n"
    "Reads each SBOM (CycloneDX JSON 1.2-1.6 or SPDX 2.2/2.3 JSON; '-' is\n"
    "standard input), looks every component that has a purl up in the advisory\n"
    "database ('vulntrack db import') and prints one finding per affected\n"
    "(component, advisory), most urgent first: known exploited (CISA KEV),\n"
    "then grade, then CVSS base score.\n"
    "\n"
    "Options:\n"
    "  --db FILE        the database (default: $VULNTRACK_DB, else\n"
    "                   $XDG_DATA_HOME/vulntrack/vulntrack.db)\n"
    "  --format FORMAT  table (default), json, sarif, cyclonedx-vex, openvex\n"
    "  --fail-on GRADE  critical, high, medium, low, any (default) or none:\n"
    "                   exit 1 when a finding reaches GRADE. A known-exploited\n"
    "                   finding reaches every grade; 'any' is any finding,\n"
    "                   'none' never exits 1\n"
    "  --validate       check each SBOM against the JSON schema of its format\n"
    "                   and version first; an invalid one is not scanned\n"
    "  --schemas DIR    where the schemas are (default: $VULNTRACK_SCHEMA_DIR)\n"
    "\n"
    "Grades are derived from the highest CVSS base score of the advisory\n"
    "(method CVSS_DERIVED), 'unavailable' when it has no CVSS vector.\n"
    "Components without a purl, with a purl OSV has no ecosystem for, or\n"
    "without a version are listed as not identifiable (JSON: 'unidentified').\n"
    "VEX outputs give every finding the status under investigation\n"
    "(CycloneDX analysis.state in_triage, OpenVEX under_investigation).\n"
    "Document timestamps use $SOURCE_DATE_EPOCH when it is set.\n"
    "\n"
    "An SBOM that cannot be read or parsed is reported (file and JSON pointer\n"
    "or byte offset) and the others are still scanned; the exit status is\n"
    "then 2.\n"
    "\n"
    "Exit status: 0 no finding reaches --fail-on, 1 one does, 2 bad usage or\n"
    "an unreadable, invalid or unsupported SBOM, or no database, 3 I/O or\n"
    "internal error.\n",
    run_scan,
};

typedef enum out_format {
    FMT_TABLE,
    FMT_JSON,
    FMT_SARIF,
    FMT_CDX_VEX,
    FMT_OPENVEX,
} out_format;

/* --fail-on thresholds; FAIL_ANY and FAIL_NONE sit outside the grade scale. */
#define FAIL_ANY (-1)
#define FAIL_NONE (-2)

typedef struct scan_opts {
    const char *db;
    const char *schemas;
    out_format format;
    int fail_on; /* a vt_grade_level, FAIL_ANY or FAIL_NONE */
    bool validate;
    char **sboms;
    int nsboms;
} scan_opts;

static int parse_format(out_format *out, const char *s)
{
    static const struct {
        const char *name;
        out_format f;
    } names[] = {{"table", FMT_TABLE},
                 {"json", FMT_JSON},
                 {"sarif", FMT_SARIF},
                 {"cyclonedx-vex", FMT_CDX_VEX},
                 {"openvex", FMT_OPENVEX}};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].f;
            return 0;
        }
    }
    return VT_EINVALID;
}

static int parse_fail_on(int *out, const char *s)
{
    static const struct {
        const char *name;
        int level;
    } names[] = {{"critical", VT_GRADE_CRITICAL}, {"high", VT_GRADE_HIGH},
                 {"medium", VT_GRADE_MEDIUM},     {"low", VT_GRADE_LOW},
                 {"any", FAIL_ANY},               {"none", FAIL_NONE}};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].level;
            return 0;
        }
    }
    return VT_EINVALID;
}

/* Returns -1 when argv is fine, else the exit status of the usage error. */
static int parse_args(scan_opts *o, int argc, char **argv)
{
    int i;

    o->sboms = vt_calloc((size_t)argc, sizeof(*o->sboms));
    if (!o->sboms) {
        cli_errorf("scan", "%s", vt_strerror(VT_ENOMEM));
        return CLI_EXIT_INTERNAL;
    }
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;

        if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++)
                o->sboms[o->nsboms++] = argv[i];
            break;
        } else if (strcmp(a, "--db") == 0 || strcmp(a, "--format") == 0 ||
                   strcmp(a, "--fail-on") == 0 || strcmp(a, "--schemas") == 0) {
            const char *v;

            if (!has_value)
                return cli_usage_error(&cli_cmd_scan, "%s needs a value", a);
            v = argv[++i];
            if (strcmp(a, "--db") == 0)
                o->db = v;
            else if (strcmp(a, "--schemas") == 0)
                o->schemas = v;
            else if (strcmp(a, "--format") == 0 && parse_format(&o->format, v) < 0)
                return cli_usage_error(&cli_cmd_scan,
                                       "unknown format '%s' (table, json, sarif, "
                                       "cyclonedx-vex, openvex)",
                                       v);
            else if (strcmp(a, "--fail-on") == 0 && parse_fail_on(&o->fail_on, v) < 0)
                return cli_usage_error(&cli_cmd_scan,
                                       "unknown grade '%s' for --fail-on (critical, high, "
                                       "medium, low, any, none)",
                                       v);
        } else if (strcmp(a, "--validate") == 0) {
            o->validate = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error(&cli_cmd_scan, "unknown option '%s'", a);
        } else {
            o->sboms[o->nsboms++] = argv[i];
        }
    }
    if (o->nsboms == 0)
        return cli_usage_error(&cli_cmd_scan, "no SBOM given");
    if (o->validate && !o->schemas) {
        o->schemas = getenv("VULNTRACK_SCHEMA_DIR");
#ifdef VT_SCHEMA_DIR
        /* A build may bake in where it installs the schemas. */
        if (!o->schemas || !o->schemas[0])
            o->schemas = VT_SCHEMA_DIR;
#endif
        if (!o->schemas || !o->schemas[0])
            return cli_usage_error(&cli_cmd_scan, "--validate needs --schemas DIR or "
                                                  "$VULNTRACK_SCHEMA_DIR");
    }
    return -1;
}

/* Document time: $SOURCE_DATE_EPOCH (reproducible output) or the clock. */
static int64_t document_time(void)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    uint64_t v;

    if (s && vt_parse_u64(&v, s, strlen(s)) == 0 && v < (uint64_t)INT64_MAX / 1000)
        return (int64_t)v * 1000;
    return (int64_t)time(NULL) * 1000;
}

/* A finding reaches the --fail-on threshold. */
static bool reaches(const vt_finding *f, int fail_on)
{
    if (fail_on == FAIL_NONE)
        return false;
    if (fail_on == FAIL_ANY || f->kev)
        return true;
    return (int)f->grade.level >= fail_on;
}

/* Print at most this many schema violations per SBOM. */
#define MAX_SCHEMA_MESSAGES 10

/*
 * Check `text` against its schema. Returns 0 when valid, VT_EINVALID (after
 * printing the violations) when not, VT_EUNSUPPORTED / VT_EIO / VT_ENOMEM
 * with `msg` set.
 */
static int validate_one(const char *path, const vt_buf *text, const char *schemas, vt_buf *msg)
{
    vt_jsonschema_errors errs = VT_JSONSCHEMA_ERRORS_INIT;
    vt_error err = VT_ERROR_INIT;
    size_t i;
    int error;

    error = vt_sbom_validate(text->ptr, text->len, schemas, &errs, &err);
    if (error == VT_EINVALID && errs.count > 0) {
        for (i = 0; i < errs.count && i < MAX_SCHEMA_MESSAGES; i++)
            cli_errorf("scan", "%s: %s: %s", path,
                       errs.items[i].instance[0] ? errs.items[i].instance : "/",
                       errs.items[i].message);
        if (errs.count > MAX_SCHEMA_MESSAGES || errs.truncated)
            cli_errorf("scan", "%s: more schema violations not shown", path);
        vt_buf_clear(msg);
        vt_buf_printf(msg, "not valid against its schema: %s: %s",
                      errs.items[0].instance[0] ? errs.items[0].instance : "/",
                      errs.items[0].message);
    } else if (error < 0) {
        vt_buf_clear(msg);
        if (err.msg[0])
            vt_buf_printf(msg, "schema validation: %s", err.msg);
        else
            vt_buf_printf(msg, "schema validation: %s at byte %zu", vt_strerror(error),
                          err.offset);
        cli_errorf("scan", "%s: %s", path, msg->ptr);
    }
    vt_jsonschema_errors_dispose(&errs);
    return error;
}

/*
 * Read, (validate,) parse and scan one SBOM. Bad input is recorded in the
 * report and gives VT_EINVALID; only VT_ENOMEM and store failures (VT_EIO)
 * are returned as such.
 */
static int scan_one(vt_scan *scan, const char *path, const scan_opts *o)
{
    vt_buf text = VT_BUF_INIT, msg = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    vt_sbom *sbom = NULL;
    int error;

    error = vt_buf_read_file(&text, path, &err);
    if (error < 0) {
        cli_errorf("scan", "%s", err.msg[0] ? err.msg : vt_strerror(error));
        if (error == VT_ENOMEM)
            goto out;
        error = vt_buf_printf(&msg, "cannot be read: %s", err.msg[0] ? err.msg : vt_strerror(error));
        goto failed;
    }
    if (o->validate) {
        error = validate_one(path, &text, o->schemas, &msg);
        if (error == VT_ENOMEM)
            goto out;
        if (error == VT_EIO) {
            error = VT_EIO;
            goto out;
        }
        if (error < 0)
            goto failed;
    }
    vt_error_clear(&err);
    error = vt_sbom_parse(&sbom, text.ptr, text.len, &err);
    if (error == VT_ENOMEM)
        goto out;
    if (error < 0) {
        /* Malformed JSON has only an offset; structural problems have a
         * pointer in the message. */
        if (err.msg[0] && err.offset && !strstr(err.msg, "byte"))
            error = vt_buf_printf(&msg, "%s (byte %zu)", err.msg, err.offset);
        else if (err.msg[0])
            error = vt_buf_puts(&msg, err.msg);
        else
            error = vt_buf_printf(&msg, "%s at byte %zu", vt_strerror(error), err.offset);
        cli_errorf("scan", "%s: %s", path, msg.ptr);
        goto failed;
    }
    /* The parsed SBOM owns copies of its strings: the text, as large as the
     * file, need not be held through the scan. */
    vt_buf_dispose(&text);
#ifdef __GLIBC__
    /* The parse tree just freed was several times the text; glibc keeps
     * those pages resident, and the scan refills them only in part. Handing
     * the free pages back lets the scan start from what is live: 7 MB less
     * peak RSS at 50k components. */
    malloc_trim(0);
#endif
    vt_error_clear(&err);
    error = vt_scan_add_sbom(scan, path, sbom, &err);
    if (error < 0)
        cli_errorf("scan", "%s: %s", path, err.msg[0] ? err.msg : vt_strerror(error));
    goto out;
failed:
    /* Whatever made the SBOM unusable, the report lists it with `msg`. */
    error = vt_scan_add_failed(scan, path, msg.len ? msg.ptr : "could not be read");
    if (error >= 0)
        error = VT_EINVALID;
out:
    vt_sbom_free(sbom);
    vt_buf_dispose(&text);
    vt_buf_dispose(&msg);
    return error;
}

/*
 * Write the report to standard output as it is made, in chunks (vt_out), so
 * that a report of tens of megabytes is never held whole. A failed write
 * (a closed pipe, a full disk) stops it with a message and VT_EIO; SIGPIPE is
 * ignored so that a closed pipe is such a failure, not a silent death.
 */
static int write_report(const vt_scan_report *r, const scan_opts *o)
{
    vt_scan_write_options wo = VT_SCAN_WRITE_OPTIONS_INIT;
    vt_out out;
    const char *no_color;
    int error;

    signal(SIGPIPE, SIG_IGN);
    vt_out_init_file(&out, stdout);
    wo.now_ms = document_time();
    switch (o->format) {
    case FMT_JSON:
        error = vt_scan_stream_json(&out, r, &wo);
        break;
    case FMT_SARIF:
        error = vt_scan_stream_sarif(&out, r, &wo);
        break;
    case FMT_CDX_VEX:
        error = vt_scan_stream_cyclonedx_vex(&out, r, &wo);
        break;
    case FMT_OPENVEX:
        error = vt_scan_stream_openvex(&out, r, &wo);
        break;
    default:
        no_color = getenv("NO_COLOR");
        error = cli_scan_table(&out, r, isatty(STDOUT_FILENO) && !(no_color && no_color[0]));
        break;
    }
    if (error == VT_EIO && out.sys_errno)
        cli_errorf("scan", "writing the report: %s", strerror(out.sys_errno));
    else if (error < 0)
        cli_errorf("scan", "writing the report: %s", vt_strerror(error));
    vt_out_dispose(&out);
    return error;
}

static int run_scan(int argc, char **argv)
{
    scan_opts o = {NULL, NULL, FMT_TABLE, FAIL_ANY, false, NULL, 0};
    vt_error err = VT_ERROR_INIT;
    vt_store *store = NULL;
    vt_scan *scan = NULL;
    char *db_path = NULL;
    const vt_scan_report *r;
    struct stat st;
    bool bad_input = false;
    int status, error, i;
    size_t k;

#ifdef __GLIBC__
    /*
     * glibc raises its mmap threshold when a block it had mapped is freed
     * (the SBOM text, freed once parsed), after which the findings array
     * grows inside the heap, copied on each doubling and leaving its old
     * copies behind. A fixed threshold keeps large blocks mapped, where
     * growing moves pages instead: 12 MB less peak RSS at 50k components
     * (with malloc_trim in scan_one, 101 -> 82 MB).
     */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
    status = parse_args(&o, argc, argv);
    if (status >= 0)
        goto out;
    status = CLI_EXIT_INTERNAL;
    db_path = vt_store_default_path(o.db);
    if (!db_path) {
        cli_errorf("scan", "%s", vt_strerror(VT_ENOMEM));
        goto out;
    }
    /* Opening creates a missing database; scanning against an empty one
     * would report "no findings", so a missing file is refused. */
    if (stat(db_path, &st) != 0) {
        cli_errorf("scan", "no advisory database at %s (run 'vulntrack db import' first, or "
                           "give --db FILE)",
                   db_path);
        status = CLI_EXIT_USAGE;
        goto out;
    }
    error = vt_store_open(&store, db_path, &err);
    if (error < 0) {
        cli_errorf("scan", "%s", err.msg[0] ? err.msg : vt_strerror(error));
        goto out;
    }
    error = vt_scan_new(&scan, store);
    if (error < 0) {
        cli_errorf("scan", "%s", vt_strerror(error));
        goto out;
    }
    for (i = 0; i < o.nsboms; i++) {
        error = scan_one(scan, o.sboms[i], &o);
        if (error == VT_EINVALID) {
            bad_input = true;
            continue;
        }
        if (error < 0)
            goto out;
    }
    vt_scan_finish(scan);
    r = vt_scan_get_report(scan);
    if (write_report(r, &o) < 0)
        goto out;
    if (bad_input) {
        status = CLI_EXIT_USAGE;
        goto out;
    }
    status = CLI_EXIT_OK;
    for (k = 0; k < r->nfindings; k++) {
        if (reaches(&r->findings[k], o.fail_on)) {
            status = CLI_EXIT_FOUND;
            break;
        }
    }
out:
    vt_scan_free(scan);
    vt_store_close(store);
    vt_free(db_path);
    vt_free(o.sboms);
    return status;
}
