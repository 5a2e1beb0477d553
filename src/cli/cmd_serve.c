/*
 * cmd_serve.c - `vulntrack serve`: the case service on HTTP. Options are
 * read from one table (name, kind, where the value goes), the server is
 * started, and the main thread then waits for SIGTERM or SIGINT while it
 * drives the periodic work once a second.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "server_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/auth.h"
#include "vulntrack/clock.h"
#include "vulntrack/store.h"
#include "vulntrack/strparse.h"

/* How long in-flight requests may take to finish after SIGTERM. */
#define SHUTDOWN_GRACE_MS 15000

static const char usage[] =
    "usage: vulntrack serve [--db FILE] [--listen ADDR:PORT] [--tls-cert F --tls-key F]\n"
    "                       [OPTIONS]\n"
    "       vulntrack serve --routes\n"
    "\n"
    "Run the case service: the JSON API under /api/v1 (described at\n"
    "/api/v1/openapi.yaml), the intake channel, the receipt ledger and the\n"
    "deadline clocks. Listens on 127.0.0.1:8080 by default; ADDR may be an\n"
    "IPv6 address in brackets, and PORT 0 picks a free port (the URL is\n"
    "printed). SIGTERM or SIGINT: stop accepting, finish the requests in\n"
    "progress, close the database, exit 0.\n"
    "\n"
    "Options:\n"
    "  --db FILE                the database (else $VULNTRACK_DB, else the per-user default)\n"
    "  --listen ADDR:PORT       where to listen (127.0.0.1:8080)\n"
    "  --tls-cert F --tls-key F serve HTTPS with this PEM certificate and key\n"
    "  --key FILE               ledger signing key (DB + .ledger-key; created if missing)\n"
    "  --policy-dir DIR         policy profiles (the data/policy files)\n"
    "  --calendar-dir DIR       holiday calendars (the data/calendars files)\n"
    "  --intake-org SLUG        organisation that receives reports naming none\n"
    "  --grade-tables FILE      GB/T 30279 grading tables (else $VT_GBT30279_TABLES;\n"
    "                           without tables grades are the labelled CVSS_DERIVED fallback)\n"
    "  --body-limit BYTES       largest request body (1048576); larger ones get 413\n"
    "  --attachment-limit BYTES largest decoded attachment (262144)\n"
    "  --attachment-max N       attachments per report or message (8)\n"
    "  --rate-client R          intake requests per second per client address (5)\n"
    "  --rate-client-burst N    burst per client address (20)\n"
    "  --rate-total R           intake requests per second in all (200)\n"
    "  --rate-total-burst N     burst in all (400)\n"
    "  --threads N              database connections for readers: 2N (8)\n"
    "  --retention-months N     keep ledger entries N months (36; never below 6, Art. 5)\n"
    "  --checkpoint-every N     sign a ledger checkpoint every N entries (64)\n"
    "  --checkpoint-seconds S   and at least every S seconds when entries arrived (60)\n"
    "  --sweep-seconds S        how often overdue obligations are marked (60)\n"
    "  --smtp-url URL           SMTP server for e-mail contacts (smtp://HOST:PORT)\n"
    "  --smtp-from ADDR         sender address of notices (vulntrack@localhost)\n"
    "  --notify-max-attempts N  delivery attempts before a message is dead (8)\n"
    "  --notify-backoff-ms MS   delay after the first failed delivery, doubling (2000)\n"
    "  --notify-backoff-cap-ms MS  longest delay between attempts (600000)\n"
    "  --notify-timeout-ms MS   time limit of one delivery attempt (10000)\n"
    "  --notify-poll-ms MS      how often the outbox is looked at (500)\n"
    "  --routes                 print every route and who may call it, then exit\n"
    "\n"
    "Exit status: 0 after a clean shutdown, 2 bad usage or configuration,\n"
    "3 the server could not start.\n";

typedef enum opt_kind { OPT_STR, OPT_SIZE, OPT_UINT, OPT_INT, OPT_RATE, OPT_LONG, OPT_SECONDS, OPT_MS } opt_kind;

typedef struct serve_opt {
    const char *name;
    opt_kind kind;
    size_t offset; /* into vt_server_config */
} serve_opt;

#define OPT(n, k, field) {n, k, offsetof(vt_server_config, field)}

static const serve_opt options[] = {
    OPT("--db", OPT_STR, db_path),
    OPT("--listen", OPT_STR, listen),
    OPT("--tls-cert", OPT_STR, tls_cert),
    OPT("--tls-key", OPT_STR, tls_key),
    OPT("--key", OPT_STR, key_path),
    OPT("--policy-dir", OPT_STR, policy_dir),
    OPT("--calendar-dir", OPT_STR, calendar_dir),
    OPT("--intake-org", OPT_STR, intake_org),
    OPT("--body-limit", OPT_SIZE, body_limit),
    OPT("--attachment-limit", OPT_SIZE, attachment_limit),
    OPT("--attachment-max", OPT_UINT, attachment_max),
    OPT("--rate-client", OPT_RATE, rate_client),
    OPT("--rate-client-burst", OPT_RATE, rate_client_burst),
    OPT("--rate-total", OPT_RATE, rate_total),
    OPT("--rate-total-burst", OPT_RATE, rate_total_burst),
    OPT("--threads", OPT_UINT, threads),
    OPT("--retention-months", OPT_INT, retention_months),
    OPT("--checkpoint-every", OPT_LONG, checkpoint_every),
    OPT("--checkpoint-seconds", OPT_SECONDS, checkpoint_ms),
    OPT("--sweep-seconds", OPT_SECONDS, sweep_ms),
    OPT("--smtp-url", OPT_STR, smtp_url),
    OPT("--smtp-from", OPT_STR, smtp_from),
    OPT("--notify-max-attempts", OPT_INT, notify_max_attempts),
    OPT("--notify-backoff-ms", OPT_MS, notify_backoff_ms),
    OPT("--notify-backoff-cap-ms", OPT_MS, notify_backoff_cap_ms),
    OPT("--notify-timeout-ms", OPT_MS, notify_timeout_ms),
    OPT("--notify-poll-ms", OPT_MS, notify_poll_ms),
};

/* Store the text `v` of option `o` into the configuration. */
static int set_option(vt_server_config *c, const serve_opt *o, const char *v)
{
    char *field = (char *)c + o->offset;
    uint64_t n;
    double d;
    char *end;

    if (o->kind == OPT_STR) {
        *(const char **)(void *)field = v;
        return 0;
    }
    if (o->kind == OPT_RATE) {
        errno = 0;
        d = strtod(v, &end);
        if (errno || end == v || *end || !isfinite(d) || d <= 0)
            return cli_usage_error(&cli_cmd_serve, "%s needs a positive number, not '%s'",
                                   o->name, v);
        *(double *)(void *)field = d;
        return 0;
    }
    if (vt_parse_u64(&n, v, strlen(v)) != 0 || n == 0 || n > INT32_MAX)
        return cli_usage_error(&cli_cmd_serve, "%s needs a whole number from 1 to %d, not '%s'",
                               o->name, INT32_MAX, v);
    switch (o->kind) {
    case OPT_SIZE:
        *(size_t *)(void *)field = (size_t)n;
        break;
    case OPT_UINT:
        *(unsigned *)(void *)field = (unsigned)n;
        break;
    case OPT_INT:
        *(int *)(void *)field = (int)n;
        break;
    case OPT_LONG:
        *(long *)(void *)field = (long)n;
        break;
    case OPT_SECONDS:
        *(int64_t *)(void *)field = (int64_t)n * VT_MS_PER_SECOND;
        break;
    case OPT_MS:
        *(int64_t *)(void *)field = (int64_t)n;
        break;
    default:
        break;
    }
    return 0;
}

/* Parse argv into c; returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, vt_server_config *c, bool *routes)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *eq = strchr(a, '=');
        size_t alen = eq ? (size_t)(eq - a) : strlen(a), k;
        const serve_opt *o = NULL;

        if (strcmp(a, "--routes") == 0) {
            *routes = true;
            continue;
        }
        /* The case module reads the tables from the environment, as
         * `vulntrack grade` does; set it before any thread starts. */
        if (strncmp(a, "--grade-tables", alen) == 0 && alen == strlen("--grade-tables")) {
            if (!eq && i + 1 >= argc)
                return cli_usage_error(&cli_cmd_serve, "--grade-tables needs a FILE");
            setenv("VT_GBT30279_TABLES", eq ? eq + 1 : argv[++i], 1);
            continue;
        }
        for (k = 0; k < sizeof(options) / sizeof(options[0]); k++)
            if (strlen(options[k].name) == alen && strncmp(options[k].name, a, alen) == 0)
                o = &options[k];
        if (!o)
            return cli_usage_error(&cli_cmd_serve, "unknown option '%s'", a);
        if (!eq && i + 1 >= argc)
            return cli_usage_error(&cli_cmd_serve, "%s needs a value", o->name);
        if (set_option(c, o, eq ? eq + 1 : argv[++i]) != 0)
            return CLI_EXIT_USAGE;
    }
    return -1;
}

/* Print where the service is and, on a fresh database, how to begin. */
static void first_run_message(vt_server *srv, const char *db)
{
    vt_store *s = NULL;
    vt_error err = VT_ERROR_INIT;
    long admins = 0;

    printf("vulntrack serve: listening on %s\n"
           "  database      %s\n"
           "  API           %s/api/v1/ (OpenAPI document at %s/api/v1/openapi.yaml)\n"
           "  health        %s/healthz, %s/readyz, metrics at %s/metrics\n",
           vt_server_url(srv), db, vt_server_url(srv), vt_server_url(srv), vt_server_url(srv),
           vt_server_url(srv), vt_server_url(srv));
    if (vt_store_open(&s, db, &err) == 0 && vt_auth_count_admins(s, &admins, &err) == 0 &&
        admins == 0)
        printf("\nNo administrator exists yet. Create the first one with\n"
               "  vulntrack user add --db %s --name admin --role admin\n"
               "and a token for scripts and partners with\n"
               "  vulntrack token create --db %s --role admin --name NAME\n"
               "Reports can already be submitted: POST %s/api/v1/reports\n",
               db, db, vt_server_url(srv));
    vt_store_close(s);
    printf("Stop with Ctrl-C or SIGTERM.\n");
    fflush(stdout);
}

static int run_serve(int argc, char **argv)
{
    vt_server_config cfg;
    vt_server *srv = NULL;
    vt_error err = VT_ERROR_INIT;
    char *db = NULL, *key = NULL;
    bool routes = false;
    sigset_t stop_signals;
    int status;

    if (cli_wants_help(argc, argv))
        return cli_print_usage(&cli_cmd_serve);
    vt_server_config_defaults(&cfg);
#ifdef VT_DATA_ROOT
    cfg.policy_dir = VT_DATA_ROOT "/policy";
    cfg.calendar_dir = VT_DATA_ROOT "/calendars";
#endif
    status = parse_args(argc, argv, &cfg, &routes);
    if (status >= 0)
        return status;
    if (routes) {
        vt_router_print(stdout);
        return cli_finish_output("serve", CLI_EXIT_OK);
    }
    if (vt_clock_init_from_env(&err) < 0) {
        cli_errorf("serve", "%s", err.msg);
        return CLI_EXIT_USAGE;
    }
    db = vt_store_default_path(cfg.db_path);
    if (!db) {
        cli_errorf("serve", "out of memory");
        return CLI_EXIT_INTERNAL;
    }
    cfg.db_path = db;
    if (!cfg.key_path) {
        size_t n = strlen(db) + sizeof(".ledger-key");

        key = vt_malloc(n);
        if (!key) {
            vt_free(db);
            cli_errorf("serve", "out of memory");
            return CLI_EXIT_INTERNAL;
        }
        snprintf(key, n, "%s.ledger-key", db);
        cfg.key_path = key;
    }
    /* Every thread the server starts inherits this mask; only the main
     * thread takes the stop signals, with sigtimedwait below. */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (vt_server_start(&srv, &cfg, &err) < 0) {
        cli_errorf("serve", "%s", err.msg);
        status = err.code == VT_EINVALID ? CLI_EXIT_USAGE : CLI_EXIT_INTERNAL;
        goto out;
    }
    first_run_message(srv, db);
    for (;;) {
        struct timespec second = {1, 0};
        int sig = sigtimedwait(&stop_signals, NULL, &second);

        if (sig == SIGTERM || sig == SIGINT)
            break;
        vt_server_tick(srv);
    }
    fprintf(stderr, "vulntrack serve: stopping: finishing requests in progress\n");
    vt_server_stop(srv, SHUTDOWN_GRACE_MS);
    fprintf(stderr, "vulntrack serve: stopped\n");
    status = CLI_EXIT_OK;
out:
    vt_free(key);
    vt_free(db);
    return status;
}

const cli_command cli_cmd_serve = {
    .name = "serve",
    .summary = "run the case service (HTTP API, intake, ledger, deadlines)",
    .usage = usage,
    .run = run_serve,
};
