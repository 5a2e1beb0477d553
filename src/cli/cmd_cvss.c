/*
 * cmd_cvss.c - `vulntrack cvss score VECTOR` and its --batch form: the
 * version, normalised vector, scores, severity and CVSS-derived grade of a
 * CVSS v2.0, v3.0, v3.1 or v4.0 vector, as one line of JSON each.
 */
#include <string.h>

#include "cli.h"
#include "vulntrack/cvss.h"
#include "vulntrack/grade.h"
#include "vulntrack/json.h"

static int run_cvss(int argc, char **argv);

const cli_command cli_cmd_cvss = {
    "cvss",
    "score CVSS v2.0, v3.0, v3.1 and v4.0 vectors",
    "usage: vulntrack cvss score VECTOR\n"
    "       vulntrack cvss score --batch < VECTORS\n"
    "\n"
    "score prints one line of compact JSON with these keys, in this order:\n"
    "  version              \"2.0\", \"3.0\", \"3.1\" or \"4.0\"\n"
    "  vector               the normalised vector: the specification's metric\n"
    "                       order, not-defined values (ND, X) left out, no\n"
    "                       prefix for v2.0 (as NVD writes it)\n"
    "  base_score           v2/v3 base score; v4 CVSS-B (base metrics alone)\n"
    "  base_severity        rating of base_score: None, Low, Medium, High,\n"
    "                       Critical (v2.0: Low, Medium, High, NVD's bands)\n"
    "then for v2.0 and v3.x:\n"
    "  temporal_score       null for v2.0 when no temporal metric is given\n"
    "  environmental_score  null for v2.0 when no environmental metric is given\n"
    "or for v4.0:\n"
    "  score                the score of the whole vector\n"
    "  severity             rating of score\n"
    "  nomenclature         CVSS-B, CVSS-BT, CVSS-BE or CVSS-BTE\n"
    "and last:\n"
    "  grade                GB/T 30279 grade derived from base_score\n"
    "                       (method CVSS_DERIVED)\n"
    "Scores are numbers with one decimal (9.8, 10, 0).\n"
    "\n"
    "v2.0 vectors are written without prefix (CVSS:2.0/ is accepted too);\n"
    "v3.x and v4.0 vectors start with CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/. Names\n"
    "and values are case-sensitive, each metric may appear once, every base\n"
    "metric is required, and v2.0 and v4.0 metrics must be in the order of\n"
    "their specification (v3.x: any order).\n"
    "\n"
    "With --batch, each line of standard input is one vector and one JSON line\n"
    "is printed per input line, in order. A line that is not a valid vector\n"
    "prints {\"error\":\"...\"}, a message naming the line goes to standard\n"
    "error, and the command exits 2 after the last line.\n"
    "\n"
    "Exit status: 0 scored, 2 invalid vector or bad usage, 3 I/O or internal\n"
    "error.\n",
    run_cvss,
};

/* Add a score in tenths as a number, or JSON null when it is not defined. */
static int add_score(cJSON *obj, const char *key, int score10)
{
    if (score10 < 0)
        return vt_json_add_null(obj, key);
    return vt_json_add_num(obj, key, (double)score10 / 10.0);
}

/* Append the JSON line for `c` (without newline) to `out`. */
static int cvss_to_json(vt_buf *out, const vt_cvss *c)
{
    vt_buf vector = VT_BUF_INIT;
    cJSON *obj = cJSON_CreateObject(), *grade = NULL;
    int version = vt_cvss_version(c);
    int base = vt_cvss_score10(c, VT_CVSS_SCORE_BASE);
    vt_grade g;
    int error = obj ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_cvss_vector(&vector, c);
    if (error >= 0)
        error = vt_json_add_str(obj, "version", vt_cvss_version_name(c));
    if (error >= 0)
        error = vt_json_add_str(obj, "vector", vector.ptr);
    if (error >= 0)
        error = add_score(obj, "base_score", base);
    if (error >= 0)
        error = vt_json_add_str(obj, "base_severity", vt_cvss_base_severity(c));
    if (error >= 0 && version != 40) {
        error = add_score(obj, "temporal_score", vt_cvss_score10(c, VT_CVSS_SCORE_TEMPORAL));
        if (error >= 0)
            error = add_score(obj, "environmental_score",
                              vt_cvss_score10(c, VT_CVSS_SCORE_ENVIRONMENTAL));
    }
    if (error >= 0 && version == 40) {
        int overall = vt_cvss_score10(c, VT_CVSS_SCORE_OVERALL);

        error = add_score(obj, "score", overall);
        if (error >= 0)
            error = vt_json_add_str(obj, "severity", vt_cvss_severity(version, overall));
        if (error >= 0)
            error = vt_json_add_str(obj, "nomenclature", vt_cvss_nomenclature(c));
    }
    if (error >= 0)
        error = vt_grade_from_cvss_score(&g, vt_cvss_base_score(c));
    if (error >= 0)
        error = vt_grade_to_json(&grade, &g);
    /* vt_json_add_take owns grade from here on. */
    if (error >= 0)
        error = vt_json_add_take(obj, "grade", grade);
    if (error >= 0)
        error = vt_json_print(out, obj);
    cJSON_Delete(obj);
    vt_buf_dispose(&vector);
    return error;
}

/*
 * Parse one vector and put its JSON line in `out` (a cli_line_fn; no
 * context). On an invalid vector `err` says why and `out` is untouched.
 */
static int describe(void *ctx, const char *s, size_t len, vt_buf *out, vt_error *err)
{
    vt_cvss *c = NULL;
    int error;

    (void)ctx;
    error = vt_cvss_parse(&c, s, len, err);
    if (error >= 0) {
        error = cvss_to_json(out, c);
        if (error < 0)
            vt_error_set(err, error, 0, "%s", vt_strerror(error));
    }
    vt_cvss_free(c);
    return error;
}

static int run_cvss(int argc, char **argv)
{
    const char *vector = NULL;
    bool batch = false;
    int i, status;

    if (argc < 2 || strcmp(argv[1], "score") != 0)
        return cli_usage_error(&cli_cmd_cvss, "expected 'score'");
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--batch") == 0)
            batch = true;
        else if (strcmp(argv[i], "--") == 0 && i + 1 < argc && !vector)
            vector = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage_error(&cli_cmd_cvss, "unknown option '%s'", argv[i]);
        else if (!vector)
            vector = argv[i];
        else
            return cli_usage_error(&cli_cmd_cvss, "score takes one VECTOR");
    }
    if (batch && vector)
        return cli_usage_error(&cli_cmd_cvss, "give either VECTOR or --batch, not both");
    if (batch)
        status = cli_run_batch("cvss", describe, NULL);
    else if (!vector)
        return cli_usage_error(&cli_cmd_cvss, "score needs a VECTOR or --batch");
    else
        status = cli_run_one("cvss", describe, NULL, vector);
    return cli_finish_output("cvss", status);
}
