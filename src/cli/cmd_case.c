/*
 * cmd_case.c - `vulntrack case report CASE_ID`: the authority report of
 * RMSV 2021 Art. 7(2) of a case, as JSON or as a printable HTML page, read
 * from the database. The exit status says whether the completeness check
 * passed, so that a script can hold back an incomplete report.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "vulntrack/authority.h"
#include "vulntrack/buf.h"
#include "vulntrack/cases.h"
#include "vulntrack/json.h"
#include "vulntrack/store.h"
#include "vulntrack/store_cases.h"

#define CMD "case"

static int run_case(int argc, char **argv);

const cli_command cli_cmd_case = {
    .name = "case",
    .summary = "print the authority report of a case",
    .usage = "usage: vulntrack case report CASE_ID [--db FILE] [--format json|html]\n"
             "\n"
             "report prints the Art. 7(2) authority report (RMSV 2021, spec §4) of case\n"
             "CASE_ID (VT-YYYY-NNNNNN) as JSON (the default) or as a printable bilingual\n"
             "HTML page, with the completeness check: every required field that is\n"
             "missing is listed by name in Chinese and English.\n"
             "\n"
             "Exit status: 0 the report is complete, 1 fields are missing (the report is\n"
             "still printed), 2 bad usage or no such case, 3 I/O error.\n",
    .run = run_case,
};

static int print_report(const char *format, const cJSON *report)
{
    vt_buf out = VT_BUF_INIT;
    int error;

    if (strcmp(format, "html") == 0) {
        error = vt_authority_html(&out, report);
    } else {
        char *text = cJSON_Print(report);

        error = text ? vt_buf_puts(&out, text) : VT_ENOMEM;
        if (!error)
            error = vt_buf_putc(&out, '\n');
        cJSON_free(text);
    }
    if (!error && fwrite(out.ptr, 1, out.len, stdout) != out.len)
        error = VT_EIO;
    vt_buf_dispose(&out);
    return error;
}

static int case_report(int argc, char **argv)
{
    const char *db = NULL, *format = "json", *ref = NULL;
    const cli_option opts[] = {{"--db", &db}, {"--format", &format}, {NULL, NULL}};
    vt_error err = VT_ERROR_INIT;
    vt_case c = VT_CASE_INIT;
    vt_store *s = NULL;
    cJSON *report = NULL;
    int i = 2, r, error, status;

    /* cli_take_options leaves i on the option's last word; the loop steps past it. */
    for (; i < argc; i++) {
        r = cli_take_options(&cli_cmd_case, argc, argv, &i, opts);
        if (r < 0)
            return CLI_EXIT_USAGE;
        if (r > 0)
            continue;
        if (argv[i][0] == '-' || ref)
            return cli_usage_error(&cli_cmd_case, "unexpected argument '%s'", argv[i]);
        ref = argv[i];
    }
    if (!ref)
        return cli_usage_error(&cli_cmd_case, "report needs CASE_ID");
    if (strcmp(format, "json") != 0 && strcmp(format, "html") != 0)
        return cli_usage_error(&cli_cmd_case, "--format must be json or html");
    status = cli_open_store(CMD, db, CLI_EXIT_INTERNAL, NULL, &s);
    if (status != CLI_EXIT_OK)
        return status;
    error = vt_store_case_get(s, 0, ref, &c, &err);
    if (error >= 0)
        error = vt_authority_report_for_case(&report, s, c.id, &err);
    if (error < 0) {
        cli_errorf(CMD, "%s", err.msg);
        status = cli_exit_for(error);
        goto out;
    }
    error = print_report(format, report);
    if (error < 0) {
        cli_errorf(CMD, "cannot write the report");
        status = CLI_EXIT_INTERNAL;
        goto out;
    }
    status = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
                 cJSON_GetObjectItemCaseSensitive(report, "completeness"), "complete"))
                 ? CLI_EXIT_OK
                 : CLI_EXIT_FOUND;
    status = cli_finish_output(CMD, status);
out:
    cJSON_Delete(report);
    vt_case_dispose(&c);
    vt_store_close(s);
    return status;
}

static int run_case(int argc, char **argv)
{
    if (cli_wants_help(argc, argv))
        return cli_print_usage(&cli_cmd_case);
    if (argc < 2)
        return cli_usage_error(&cli_cmd_case, "missing subcommand (report)");
    if (strcmp(argv[1], "report") == 0)
        return case_report(argc, argv);
    return cli_usage_error(&cli_cmd_case, "unknown subcommand '%s'", argv[1]);
}
