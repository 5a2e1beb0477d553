/*
 * server_internal.h - the parts of the running server that only the
 * server core's files see: the connection pool, the writer thread, the
 * rate limiter and the metrics. Route files use server.h only.
 */
#ifndef VT_SERVER_INTERNAL_H
#define VT_SERVER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "server.h"

/* ---- read connections: one per request, handed back afterwards ---- */

typedef struct vt_pool vt_pool;

/* Open a pool of up to `size` connections to `path` (opened on demand). */
int vt_pool_new(vt_pool **out, const char *path, unsigned size, vt_error *err);
/* A connection for this thread's request; blocks while all are in use. */
int vt_pool_take(vt_pool *p, vt_store **out, vt_error *err);
void vt_pool_give(vt_pool *p, vt_store *s);
void vt_pool_free(vt_pool *p);

/* ---- the writer: one thread, one durable connection, group commit ---- */

typedef struct vt_writer vt_writer;

/*
 * Hook run by the writer after each group's jobs, inside its transaction
 * (the ledger checkpoint). Its failure is logged, not passed to the jobs.
 */
typedef int (*vt_writer_hook)(vt_store *w, void *ctx, vt_error *err);

int vt_writer_start(vt_writer **out, const char *path, vt_writer_hook after_group,
                    void *hook_ctx, vt_error *err);
int vt_writer_submit(vt_writer *wr, vt_write_fn fn, void *ctx, vt_error *err);
/* Finish the queued jobs, stop the thread, close the connection. */
void vt_writer_stop(vt_writer *wr);
/* Groups and jobs committed so far, for /metrics. */
void vt_writer_counts(vt_writer *wr, uint64_t *groups, uint64_t *jobs);

/* ---- token-bucket rate limiter: per client address and in total ---- */

typedef struct vt_ratelimit vt_ratelimit;

vt_ratelimit *vt_ratelimit_new(double per_client, double client_burst, double total,
                               double total_burst);
/* Take one token for `addr` at `now_ms`; false with the seconds to wait. */
bool vt_ratelimit_take(vt_ratelimit *rl, const char *addr, int64_t now_ms, int *retry_after_s);
void vt_ratelimit_free(vt_ratelimit *rl);

/* ---- metrics in Prometheus text format ---- */

typedef struct vt_metrics vt_metrics;

vt_metrics *vt_metrics_new(void);
void vt_metrics_free(vt_metrics *m);
/* One finished request: its route (NULL when none matched), status and duration. */
void vt_metrics_observe(vt_metrics *m, const vt_route *route, unsigned status, double seconds);
void vt_metrics_count_intake(vt_metrics *m);
/* Append the exposition text (the caller adds the store-derived gauges). */
int vt_metrics_render(vt_metrics *m, vt_buf *out);

/* ---- the server ---- */

struct vt_server {
    vt_server_config cfg;
    void *daemon; /* struct MHD_Daemon */
    int listen_fd;
    char url[128];
    vt_pool *pool;      /* requests that may write: they wait on the writer holding one */
    vt_pool *read_pool; /* GET and HEAD: never wait on the writer, so never starved by it */
    vt_writer *writer;
    vt_ratelimit *intake_limit;
    vt_metrics *metrics;
    struct vt_ledger_key *ledger_key;
    struct vt_policy_set *policies;
    struct vt_calendar_set *calendars;
    void *notify_worker; /* notify_worker.c */
    int64_t started_ms;
    int64_t last_checkpoint_ms; /* writer thread only */
    atomic_long in_flight;
    atomic_bool draining;
};

/* Find the route for `method` and `path`, filling req->param. Returns the
 * route, or NULL with *path_known telling 405 from 404. */
const vt_route *vt_router_match(const char *method, const char *path, vt_request *req,
                                bool *path_known);

/* The methods allowed on `path` as "GET, POST" into out (for 405's Allow). */
void vt_router_allowed_methods(const char *path, char *out, size_t cap);

/* Print every route as "METHOD PATTERN ALLOW" lines (vulntrack serve --routes). */
void vt_router_print(FILE *out);

/* The comma-separated names of an allow mask ("admin,auditor,anonymous"). */
void vt_allow_names(unsigned allow, char *out, size_t cap);

/* Start listening and serving (the configuration in srv->cfg). */
int vt_server_start(vt_server **out, const vt_server_config *cfg, vt_error *err);
/* Stop accepting, wait for in-flight requests (up to `grace_ms`), shut down. */
void vt_server_stop(vt_server *srv, int64_t grace_ms);
/* The base URL it listens on ("http://127.0.0.1:8080"). */
const char *vt_server_url(vt_server *srv);
/* Periodic work of the main thread: checkpoints on time, the obligation sweeper. */
void vt_server_tick(vt_server *srv);

#endif
