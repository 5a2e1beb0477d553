/*
 * system.c - the routes an operator's tooling uses: liveness, readiness,
 * Prometheus metrics and the OpenAPI document the server was built with.
 */
#include <stdio.h>

#include "server_internal.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/store_stats.h"

/* docs/openapi.yaml, compiled in by cmake/embed.cmake. */
extern const unsigned char vt_openapi_yaml[];
extern const unsigned long vt_openapi_yaml_len;

#define EVERYONE (VT_ALLOW_ANONYMOUS | VT_ALLOW_TRACKING | VT_ALLOW_ANY_TOKEN | VT_ROLE_REPORTER)

/* Alive: the process answers. Nothing else is checked on purpose. */
static int healthz(vt_request *req)
{
    static const char ok[] = "{\"status\":\"ok\"}\n";

    return vt_reply_text(req, 200, "application/json", ok, sizeof(ok) - 1);
}

/* Ready: the database answers and the server is not shutting down. */
static int readyz(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;

    if (atomic_load(&req->srv->draining))
        return vt_reply_error(req, 503, "unavailable", NULL, "shutting down");
    if (vt_store_ping(req->store, &err) < 0)
        return vt_reply_error(req, 503, "unavailable", NULL, "database: %s", err.msg);
    return vt_reply_text(req, 200, "application/json", "{\"status\":\"ready\"}\n", 19);
}

static int metrics(vt_request *req)
{
    vt_service_stats st;
    vt_error err = VT_ERROR_INIT;
    uint64_t groups, jobs;
    vt_buf out = VT_BUF_INIT;
    int error;

    if (vt_store_service_stats(req->store, vt_clock_now_ms(), &st, &err) < 0)
        return vt_reply_from_error(req, &err);
    vt_writer_counts(req->srv->writer, &groups, &jobs);
    error = vt_metrics_render(req->srv->metrics, &out);
    if (error == 0)
        error = vt_buf_printf(
            &out,
            "# HELP vulntrack_ledger_height Sequence number of the newest receipt-ledger entry.\n"
            "# TYPE vulntrack_ledger_height gauge\n"
            "vulntrack_ledger_height %lld\n"
            "# HELP vulntrack_reports Reports received in all.\n"
            "# TYPE vulntrack_reports gauge\n"
            "vulntrack_reports %lld\n"
            "# HELP vulntrack_cases_open Cases neither closed nor rejected.\n"
            "# TYPE vulntrack_cases_open gauge\n"
            "vulntrack_cases_open %lld\n"
            "# HELP vulntrack_obligations_open Obligations still open.\n"
            "# TYPE vulntrack_obligations_open gauge\n"
            "vulntrack_obligations_open %lld\n"
            "# HELP vulntrack_obligations_overdue Obligations missed or past due.\n"
            "# TYPE vulntrack_obligations_overdue gauge\n"
            "vulntrack_obligations_overdue %lld\n"
            "# HELP vulntrack_write_groups_total Transactions committed by the writer.\n"
            "# TYPE vulntrack_write_groups_total counter\n"
            "vulntrack_write_groups_total %llu\n"
            "# HELP vulntrack_write_jobs_total Writes committed (several per transaction).\n"
            "# TYPE vulntrack_write_jobs_total counter\n"
            "vulntrack_write_jobs_total %llu\n",
            (long long)st.ledger_height, (long long)st.reports, (long long)st.cases_open,
            (long long)st.obligations_open, (long long)st.obligations_overdue,
            (unsigned long long)groups, (unsigned long long)jobs);
    if (error == 0)
        error = vt_reply_text(req, 200, "text/plain; version=0.0.4", out.ptr, out.len);
    vt_buf_dispose(&out);
    return error;
}

static int openapi(vt_request *req)
{
    return vt_reply_text(req, 200, "application/yaml", (const char *)vt_openapi_yaml,
                         (size_t)vt_openapi_yaml_len);
}

const vt_route vt_routes_system[] = {
    {"GET", "/healthz", EVERYONE, 0, healthz, "Liveness: the process answers"},
    {"GET", "/readyz", EVERYONE, 0, readyz, "Readiness: the database answers"},
    {"GET", "/metrics", EVERYONE, 0, metrics, "Prometheus metrics"},
    {"GET", "/api/v1/openapi.yaml", EVERYONE, 0, openapi, "This API's OpenAPI 3.1 document"},
    {0},
};
