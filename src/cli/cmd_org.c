/*
 * cmd_org.c - `vulntrack org add|list`: the organisations whose cases the
 * service runs, each with the kind, country and time zone its deadline
 * rules depend on.
 */
#include <stdio.h>
#include <string.h>

#include "cli_auth.h"
#include "vulntrack/auth.h"
#include "vulntrack/json.h"

static int run_org(int argc, char **argv);

const cli_command cli_cmd_org = {
    .name = "org",
    .summary = "add and list organisations",
    .usage = "usage: vulntrack org add [--db FILE] --slug SLUG --name NAME --kind KIND\n"
             "                         --country CC --time-zone TZ [--profiles P1,P2]\n"
             "                         [--flag eu_manufacturer] [--flag us_fceb]\n"
             "                         [--filing-id ID]\n"
             "       vulntrack org list [--db FILE] [--json]\n"
             "\n"
             "add records an organisation: SLUG (a-z, 0-9, '-') names it in URLs and\n"
             "options; KIND is vendor, operator or platform; CC is its ISO 3166-1\n"
             "alpha-2 country code in upper case; TZ an IANA time zone such as\n"
             "Asia/Shanghai. --profiles lists the policy profiles that apply (CN_RMSV_2021,\n"
             "CN_DRAFT_2019, EU_CRA, US_BOD_26_04, US_BOD_22_01); without it an\n"
             "organisation in CN gets CN_RMSV_2021 and others none. --flag sets\n"
             "eu_manufacturer (CRA Art. 14 applies) or us_fceb (a US federal civilian\n"
             "agency: BOD results are binding); --filing-id records a collection\n"
             "platform's MIIT filing number.\n"
             "\n"
             "list prints the organisations, or with --json a JSON array.\n"
             "\n"
             "The database is --db FILE, else $VULNTRACK_DB, else the per-user default.\n"
             "\n"
             "Exit status: 0 success, 2 bad usage or an invalid field (the message\n"
             "names the option), 3 I/O or database error.\n",
    .run = run_org,
};

/* The option that carries the field at fault, for the message. */
static const char *org_option_for(const char *field)
{
    if (strncmp(field, "/profiles", 9) == 0)
        return "--profiles";
    if (strcmp(field, "/flags/platform_filing_id") == 0)
        return "--filing-id";
    if (strncmp(field, "/flags", 6) == 0)
        return "--flag";
    if (strcmp(field, "/time_zone") == 0)
        return "--time-zone";
    if (strcmp(field, "/slug") == 0)
        return "--slug";
    if (strcmp(field, "/name") == 0)
        return "--name";
    if (strcmp(field, "/kind") == 0)
        return "--kind";
    if (strcmp(field, "/country") == 0)
        return "--country";
    return "org";
}

/* "A,B" into ["A","B"]; empty items are kept so that validation names them. */
static int org_profiles_json(const char *list, vt_buf *out)
{
    cJSON *arr = cJSON_CreateArray();
    const char *p = list, *comma;
    int error = arr ? 0 : VT_ENOMEM;

    while (error >= 0 && *list) {
        comma = strchr(p, ',');
        error = vt_json_add_strn(arr, NULL, p, comma ? (size_t)(comma - p) : strlen(p));
        if (!comma)
            break;
        p = comma + 1;
    }
    if (error >= 0)
        error = vt_json_print(out, arr);
    cJSON_Delete(arr);
    return error;
}

static int org_add(int argc, char **argv)
{
    vt_error err = VT_ERROR_INIT;
    vt_buf profiles = VT_BUF_INIT, flags = VT_BUF_INIT;
    const char *db = NULL, *slug = NULL, *name = NULL, *kind = NULL, *country = NULL,
               *tz = NULL, *plist = NULL, *flag = NULL, *filing = NULL;
    bool eu = false, fceb = false;
    vt_org o = {0};
    vt_store *s = NULL;
    cJSON *fobj = NULL;
    int i, r, status = CLI_EXIT_OK, error = 0;
    const cli_option opts[] = {
        {"--db", &db},          {"--slug", &slug},        {"--name", &name},
        {"--kind", &kind},      {"--country", &country},  {"--time-zone", &tz},
        {"--profiles", &plist}, {"--filing-id", &filing}, {NULL, NULL},
    };

    for (i = 1; i < argc; i++) {
        r = cli_take_options(&cli_cmd_org, argc, argv, &i, opts);
        if (r == 0) {
            r = cli_take_option(argc, argv, &i, "--flag", &flag);
            if (r > 0 && strcmp(flag, "eu_manufacturer") == 0)
                eu = true;
            else if (r > 0 && strcmp(flag, "us_fceb") == 0)
                fceb = true;
            else if (r > 0)
                return cli_usage_error(&cli_cmd_org,
                                       "--flag: unknown flag '%s' (eu_manufacturer or us_fceb)",
                                       flag);
            else if (r < 0)
                return cli_usage_error(&cli_cmd_org, "%s needs a value", argv[i]);
        }
        if (r < 0)
            return CLI_EXIT_USAGE;
        if (r == 0)
            return cli_usage_error(&cli_cmd_org, "unknown argument '%s' for add", argv[i]);
    }
    if (!slug || !name || !kind || !country || !tz)
        return cli_usage_error(&cli_cmd_org, "add needs --%s",
                               !slug   ? "slug SLUG"
                               : !name ? "name NAME"
                               : !kind ? "kind KIND (vendor, operator or platform)"
                               : !country ? "country CC"
                                          : "time-zone TZ");
    if (plist)
        error = org_profiles_json(plist, &profiles);
    if (error >= 0 && (eu || fceb || filing)) {
        fobj = cJSON_CreateObject();
        error = fobj ? 0 : VT_ENOMEM;
        if (error >= 0 && eu)
            error = vt_json_add_take(fobj, "eu_manufacturer", cJSON_CreateTrue());
        if (error >= 0 && fceb)
            error = vt_json_add_take(fobj, "us_fceb", cJSON_CreateTrue());
        if (error >= 0 && filing)
            error = vt_json_add_str(fobj, "platform_filing_id", filing);
        if (error >= 0)
            error = vt_json_print(&flags, fobj);
    }
    if (error < 0) {
        cli_errorf("org", "out of memory");
        status = CLI_EXIT_INTERNAL;
        goto out;
    }
    status = cli_open_store("org", db, CLI_EXIT_OK, NULL, &s);
    if (status != CLI_EXIT_OK)
        goto out;
    o.slug = (char *)slug;
    o.name = (char *)name;
    o.kind = (char *)kind;
    o.country = (char *)country;
    o.time_zone = (char *)tz;
    o.profiles = plist ? profiles.ptr : NULL;
    o.flags = fobj ? flags.ptr : NULL;
    error = vt_org_add(s, &o, &err);
    if (error == VT_EINVALID) {
        status = cli_usage_error(&cli_cmd_org, "%s: %s", org_option_for(err.field), err.msg);
        goto out;
    }
    if (error < 0) {
        cli_errorf("org", "%s", err.msg);
        status = cli_exit_for(error);
        goto out;
    }
    printf("organisation '%s' added (id %lld)\n", slug, (long long)o.id);
    status = cli_finish_output("org", CLI_EXIT_OK);
out:
    cJSON_Delete(fobj);
    vt_buf_dispose(&profiles);
    vt_buf_dispose(&flags);
    vt_store_close(s);
    return status;
}

/* Append organisation `o` to `arr` as an object. */
static int org_json(cJSON *arr, const vt_org *o)
{
    cJSON *obj;
    int error = vt_org_json(o, &obj);

    return error < 0 ? error : vt_json_add_take(arr, NULL, obj);
}

typedef struct org_list_ctx {
    cJSON *arr;
} org_list_ctx;

static int org_row(void *ctx, const vt_org *o)
{
    org_list_ctx *c = ctx;

    if (c->arr)
        return org_json(c->arr, o);
    printf("%-20s %-9s %-7s %-24s %-32s %s\n", o->slug, o->kind, o->country, o->time_zone,
           o->profiles, o->name);
    return 0;
}

static int org_list(int argc, char **argv)
{
    vt_error err = VT_ERROR_INIT;
    const char *db = NULL;
    org_list_ctx c = {NULL};
    vt_store *s = NULL;
    bool json = false;
    int i, r, status, error;

    for (i = 1; i < argc; i++) {
        r = cli_take_option(argc, argv, &i, "--db", &db);
        if (r < 0)
            return cli_usage_error(&cli_cmd_org, "--db needs a FILE");
        if (r > 0)
            continue;
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else
            return cli_usage_error(&cli_cmd_org, "unknown argument '%s' for list", argv[i]);
    }
    status = cli_open_store("org", db, CLI_EXIT_OK, NULL, &s);
    if (status != CLI_EXIT_OK)
        return status;
    if (json) {
        c.arr = cJSON_CreateArray();
        error = c.arr ? 0 : VT_ENOMEM;
    } else {
        printf("%-20s %-9s %-7s %-24s %-32s %s\n", "SLUG", "KIND", "COUNTRY", "TIME ZONE",
               "PROFILES", "NAME");
        error = 0;
    }
    if (error >= 0)
        error = vt_org_list(s, 0, org_row, &c, &err);
    status = cli_auth_list_done("org", error, &err, c.arr);
    vt_store_close(s);
    return status;
}

static int run_org(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(&cli_cmd_org, "missing subcommand (add or list)");
    if (strcmp(argv[1], "add") == 0)
        return org_add(argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return org_list(argc - 1, argv + 1);
    return cli_usage_error(&cli_cmd_org, "unknown subcommand '%s'", argv[1]);
}
