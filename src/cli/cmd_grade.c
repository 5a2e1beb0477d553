/*
 * cmd_grade.c - `vulntrack grade`: GB/T 30279-2020 grading from indicators,
 * from a CVSS vector, and checking a grading-table file.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vulntrack/cvss.h"
#include "vulntrack/grade.h"
#include "vulntrack/json.h"

static int run_grade(int argc, char **argv);

const cli_command cli_cmd_grade = {
    "grade",
    "grade a vulnerability per GB/T 30279-2020 (超危/高危/中危/低危)",
    "usage: vulntrack grade compute [--tables FILE] INDICATOR VALUE...\n"
    "       vulntrack grade from-cvss [--tables FILE] VECTOR\n"
    "       vulntrack grade tables FILE\n"
    "\n"
    "compute grades from the standard's indicators, given as options:\n"
    "  --access-path   AP_NETWORK | AP_ADJACENT | AP_LOCAL | AP_PHYSICAL\n"
    "  --trigger-req   TR_LOW | TR_HIGH\n"
    "  --priv-req      PRV_NONE | PRV_LOW | PRV_HIGH\n"
    "  --interaction   UI_NOT_REQUIRED | UI_REQUIRED\n"
    "  --c-imp, --i-imp, --a-imp   IMP_SERIOUS | IMP_GENERAL | IMP_NONE\n"
    "  --env-cost, --env-fix-difficulty   LOW | MEDIUM | HIGH\n"
    "  --env-scope     LOW | MEDIUM | HIGH | NONE\n"
    "Values may also be written without their prefix (network, serious) or as\n"
    "the standard's Chinese labels (网络, 严重). With the three environment\n"
    "indicators the comprehensive grade (GBT30279_COMP) is computed, otherwise\n"
    "the technical grade (GBT30279_TECH).\n"
    "\n"
    "from-cvss pre-fills the technical indicators from a CVSS v3.x or v4.0\n"
    "vector (an inferred correspondence, see docs/grade.md) and grades them; it\n"
    "also prints the CVSS_DERIVED fallback grade of the vector's base score.\n"
    "\n"
    "The grading tables are not built in: they are read from a JSON table file\n"
    "(--tables FILE, else $VT_GBT30279_TABLES; format in docs/grade.md). With no\n"
    "table file the grade is \"unavailable\", never a guess.\n"
    "\n"
    "tables checks a table file and prints its id and SHA-256.\n"
    "\n"
    "Output is one line of JSON: {\"inputs\": {...}, \"grade\": {\"zh\", \"en\",\n"
    "\"method\", ...}, \"tables\": {\"id\", \"sha256\"} or null}.\n"
    "\n"
    "Exit status: 0 graded (also when the grade is unavailable), 2 bad usage,\n"
    "bad indicator or bad table file, 3 I/O error.\n",
    run_grade,
};

/* Load the table file named by --tables or the environment; NULL if none. */
static int load_tables(vt_grade_tables **out, const char *path)
{
    vt_buf raw = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    int error;

    *out = NULL;
    if (!path)
        path = getenv("VT_GBT30279_TABLES");
    if (!path || !*path)
        return 0;
    error = vt_buf_read_file(&raw, path, &err);
    if (error == 0)
        error = vt_grade_tables_load(out, raw.ptr, raw.len, &err);
    if (error < 0)
        cli_errorf("grade", "%s%s%s", error == VT_EIO ? "" : path,
                   error == VT_EIO ? "" : ": ", err.msg);
    vt_buf_dispose(&raw);
    return error;
}

/* Print {"inputs", "grade", "tables"} (and extra members already in `doc`). */
static int print_result(cJSON *doc, const vt_gbt_inputs *in,
                        const vt_grade_tables *tables)
{
    cJSON *item = NULL, *tab;
    vt_buf text = VT_BUF_INIT;
    vt_grade g;
    int error;

    vt_grade_compute(&g, tables, in);
    error = vt_grade_inputs_to_json(&item, in);
    if (!error)
        error = vt_json_add_take(doc, "inputs", item);
    if (!error)
        error = vt_grade_to_json(&item, &g);
    if (!error)
        error = vt_json_add_take(doc, "grade", item);
    if (!error && tables) {
        tab = cJSON_CreateObject();
        error = vt_json_add_take(doc, "tables", tab);
        if (!error)
            error = vt_json_add_str(tab, "id", vt_grade_tables_id(tables));
        if (!error)
            error = vt_json_add_str(tab, "sha256", vt_grade_tables_sha256(tables));
    } else if (!error) {
        error = vt_json_add_null(doc, "tables");
    }
    if (!error)
        error = vt_json_print(&text, doc);
    if (!error)
        cli_put_line(text.ptr);
    vt_buf_dispose(&text);
    return error;
}

static int grade_compute(int argc, char **argv)
{
    vt_gbt_inputs in = VT_GBT_INPUTS_INIT;
    vt_grade_tables *tables = NULL;
    const char *tables_path = NULL;
    cJSON *doc = NULL;
    int i, status = CLI_EXIT_OK, error;

    for (i = 2; i < argc; i += 2) {
        char field[64];
        vt_error err = VT_ERROR_INIT;
        size_t k;

        if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc ||
            strlen(argv[i]) >= sizeof(field) + 2)
            return cli_usage_error(&cli_cmd_grade, "expected '--INDICATOR VALUE', got '%s'",
                                   argv[i]);
        if (strcmp(argv[i], "--tables") == 0) {
            tables_path = argv[i + 1];
            continue;
        }
        /* Options spell fields with dashes, the library with underscores. */
        for (k = 0; argv[i][k + 2]; k++)
            field[k] = argv[i][k + 2] == '-' ? '_' : argv[i][k + 2];
        field[k] = '\0';
        if (vt_grade_input_set(&in, field, argv[i + 1], &err) < 0)
            return cli_usage_error(&cli_cmd_grade, "%s", err.msg);
    }
    error = load_tables(&tables, tables_path);
    if (error < 0)
        return cli_exit_for(error);
    doc = cJSON_CreateObject();
    error = doc ? print_result(doc, &in, tables) : VT_ENOMEM;
    if (error < 0) {
        cli_errorf("grade", "%s", vt_strerror(error));
        status = CLI_EXIT_INTERNAL;
    }
    cJSON_Delete(doc);
    vt_grade_tables_free(tables);
    return status;
}

/*
 * Pre-fill the indicators from a CVSS vector and grade them; the vector's
 * CVSS_DERIVED grade is printed beside, never in place of, the GB/T one.
 */
static int grade_from_cvss(int argc, char **argv)
{
    vt_gbt_inputs in = VT_GBT_INPUTS_INIT;
    vt_grade_tables *tables = NULL;
    const char *tables_path = NULL, *vector = NULL;
    vt_error err = VT_ERROR_INIT;
    vt_cvss *c = NULL;
    cJSON *doc = NULL, *item = NULL, *cv;
    vt_buf norm = VT_BUF_INIT;
    vt_grade derived;
    int i, error, status = CLI_EXIT_OK;

    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--tables") == 0 && i + 1 < argc)
            tables_path = argv[++i];
        else if (!vector && argv[i][0] != '-')
            vector = argv[i];
        else
            return cli_usage_error(&cli_cmd_grade, "unexpected argument '%s'", argv[i]);
    }
    if (!vector)
        return cli_usage_error(&cli_cmd_grade, "from-cvss takes a VECTOR");
    error = vt_grade_inputs_from_cvss(&in, vector, strlen(vector), &err);
    if (error == 0)
        error = vt_cvss_parse(&c, vector, strlen(vector), &err);
    if (error < 0) {
        cli_errorf("grade", "%s", err.msg);
        return cli_exit_for(error);
    }
    error = load_tables(&tables, tables_path);
    if (error < 0) {
        status = cli_exit_for(error);
        goto out;
    }
    vt_grade_from_cvss_score(&derived, vt_cvss_base_score(c));
    doc = cJSON_CreateObject();
    cv = cJSON_CreateObject();
    error = doc ? vt_json_add_take(doc, "cvss", cv) : VT_ENOMEM;
    if (!error)
        error = vt_json_add_str(cv, "version", vt_cvss_version_name(c));
    if (!error)
        error = vt_cvss_vector(&norm, c);
    if (!error)
        error = vt_json_add_str(cv, "vector", norm.ptr);
    if (!error)
        error = vt_json_add_num(cv, "base_score", vt_cvss_base_score(c));
    if (!error)
        error = vt_grade_to_json(&item, &derived);
    if (!error)
        error = vt_json_add_take(doc, "cvss_derived", item);
    if (!error)
        error = print_result(doc, &in, tables);
    if (error < 0) {
        cli_errorf("grade", "%s", vt_strerror(error));
        status = CLI_EXIT_INTERNAL;
    }
out:
    vt_buf_dispose(&norm);
    cJSON_Delete(doc);
    vt_cvss_free(c);
    vt_grade_tables_free(tables);
    return status;
}

/* Print {"id": ..., "sha256": ...} of a table file that loads cleanly. */
static int grade_tables(int argc, char **argv)
{
    vt_grade_tables *tables = NULL;
    cJSON *doc = NULL;
    vt_buf text = VT_BUF_INIT;
    int error;

    if (argc != 3)
        return cli_usage_error(&cli_cmd_grade, "tables takes one FILE");
    error = load_tables(&tables, argv[2]);
    if (error < 0)
        return cli_exit_for(error);
    doc = cJSON_CreateObject();
    error = doc ? vt_json_add_str(doc, "id", vt_grade_tables_id(tables)) : VT_ENOMEM;
    if (!error)
        error = vt_json_add_str(doc, "sha256", vt_grade_tables_sha256(tables));
    if (!error)
        error = vt_json_print(&text, doc);
    if (!error)
        cli_put_line(text.ptr);
    else
        cli_errorf("grade", "%s", vt_strerror(error));
    vt_buf_dispose(&text);
    cJSON_Delete(doc);
    vt_grade_tables_free(tables);
    return error < 0 ? CLI_EXIT_INTERNAL : CLI_EXIT_OK;
}

static int run_grade(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "compute") == 0)
        return grade_compute(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "tables") == 0)
        return grade_tables(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "from-cvss") == 0)
        return grade_from_cvss(argc, argv);
    return cli_usage_error(&cli_cmd_grade, "expected 'compute', 'from-cvss' or 'tables'");
}
