/*
 * server.c - starting and stopping the service: the listening socket, the
 * signing key, the policy profiles and calendars, the writer, the read
 * pool and libmicrohttpd; and the periodic work (time-based checkpoints,
 * the obligation sweeper, the retention purge) that the main thread drives.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "notify_worker.h"
#include "server_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/clock.h"
#include "vulntrack/ledger.h"
#include "vulntrack/obligations.h"
#include "vulntrack/strparse.h"

enum MHD_Result vt__http_on_request(void *cls, struct MHD_Connection *c, const char *url,
                                    const char *method, const char *version,
                                    const char *upload_data, size_t *upload_data_size,
                                    void **con_cls);
void vt__http_on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                           enum MHD_RequestTerminationCode toe);

/* How often the retention purge runs. */
#define PURGE_PERIOD_MS VT_MS_PER_DAY

void vt_server_config_defaults(vt_server_config *c)
{
    memset(c, 0, sizeof(*c));
    c->listen = "127.0.0.1:8080";
    c->body_limit = 1024 * 1024;
    c->attachment_limit = 256 * 1024;
    c->attachment_max = 8;
    c->rate_client = 5;
    c->rate_client_burst = 20;
    c->rate_total = 200;
    c->rate_total_burst = 400;
    c->threads = 8;
    c->retention_months = 36;
    c->checkpoint_every = 64;
    c->checkpoint_ms = 60 * VT_MS_PER_SECOND;
    c->sweep_ms = 60 * VT_MS_PER_SECOND;
    c->session_ttl_ms = 12 * VT_MS_PER_HOUR;
    c->smtp_from = "vulntrack@localhost";
    c->notify_max_attempts = 8;
    c->notify_backoff_ms = 2 * VT_MS_PER_SECOND;
    c->notify_backoff_cap_ms = 10 * 60 * VT_MS_PER_SECOND;
    c->notify_timeout_ms = 10 * VT_MS_PER_SECOND;
    c->notify_poll_ms = 500;
}

/* Split "host:port" or "[v6]:port" and bind a listening socket to it. */
static int open_listener(vt_server *srv, vt_error *err)
{
    char host[64];
    const char *spec = srv->cfg.listen, *colon, *h;
    size_t hlen;
    uint64_t port;
    union {
        struct sockaddr sa;
        struct sockaddr_in in4;
        struct sockaddr_in6 in6;
    } addr;
    socklen_t alen;
    int fd, one = 1;
    bool v6 = spec[0] == '[';

    colon = strrchr(spec, ':');
    if (!colon || vt_parse_u64(&port, colon + 1, strlen(colon + 1)) != 0 || port > 65535)
        return vt_error_set(err, VT_EINVALID, 0,
                            "--listen '%s' is not ADDRESS:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)",
                            spec);
    h = v6 ? spec + 1 : spec;
    hlen = (size_t)(colon - h) - (v6 ? 1 : 0);
    if (v6 && colon[-1] != ']')
        return vt_error_set(err, VT_EINVALID, 0, "--listen '%s': missing ']' after the IPv6 address",
                            spec);
    if (hlen >= sizeof(host))
        return vt_error_set(err, VT_EINVALID, 0, "--listen '%s': address too long", spec);
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    memset(&addr, 0, sizeof(addr));
    if (v6) {
        addr.in6.sin6_family = AF_INET6;
        addr.in6.sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host, &addr.in6.sin6_addr) != 1)
            return vt_error_set(err, VT_EINVALID, 0, "--listen: '%s' is not an IPv6 address", host);
        alen = sizeof(addr.in6);
    } else {
        addr.in4.sin_family = AF_INET;
        addr.in4.sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &addr.in4.sin_addr) != 1)
            return vt_error_set(err, VT_EINVALID, 0,
                                "--listen: '%s' is not an IPv4 address (use [ADDR] for IPv6)", host);
        alen = sizeof(addr.in4);
    }
    fd = socket(addr.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return vt_error_set(err, VT_EIO, 0, "cannot create a socket: %s", strerror(errno));
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (v6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, &addr.sa, alen) != 0 || listen(fd, 512) != 0) {
        int e = errno;

        close(fd);
        return vt_error_set(err, VT_EIO, 0, "cannot listen on %s: %s", spec, strerror(e));
    }
    if (getsockname(fd, &addr.sa, &alen) == 0)
        port = ntohs(v6 ? addr.in6.sin6_port : addr.in4.sin_port);
    srv->listen_fd = fd;
    snprintf(srv->url, sizeof(srv->url), "%s://%s%s%s:%u", srv->cfg.tls_cert ? "https" : "http",
             v6 ? "[" : "", host, v6 ? "]" : "", (unsigned)port);
    return 0;
}

/* Writer hook: sign a checkpoint when enough entries or time have passed. */
static int after_group(vt_store *w, void *ctx, vt_error *err)
{
    vt_server *srv = ctx;
    bool made = false;

    if (!srv->ledger_key)
        return 0;
    return vt_ledger_checkpoint_if_due(w, srv->ledger_key, srv->cfg.checkpoint_every,
                                       srv->cfg.checkpoint_ms, vt_clock_now_ms(), &made, err);
}

static int load_tls(vt_server *srv, vt_buf *cert, vt_buf *key, vt_error *err)
{
    int error;

    if (!srv->cfg.tls_cert && !srv->cfg.tls_key)
        return 0;
    if (!srv->cfg.tls_cert || !srv->cfg.tls_key)
        return vt_error_set(err, VT_EINVALID, 0, "--tls-cert and --tls-key go together");
    if ((error = vt_buf_read_file(cert, srv->cfg.tls_cert, err)) < 0 ||
        (error = vt_buf_read_file(key, srv->cfg.tls_key, err)) < 0)
        return error;
    /* libmicrohttpd reads them as C strings. */
    if (vt_buf_putc(cert, '\0') < 0 || vt_buf_putc(key, '\0') < 0)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    return 0;
}

int vt_server_start(vt_server **out, const vt_server_config *cfg, vt_error *err)
{
    vt_server *srv = vt_calloc(1, sizeof(*srv));
    vt_buf cert = VT_BUF_INIT, key = VT_BUF_INIT;
    bool created = false;
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_ITC | MHD_USE_ERROR_LOG;
    int error;

    if (!srv)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    /* Two malloc arenas are plenty for a service whose threads mostly wait
     * on the database; glibc's default (8 per core) multiplies the memory
     * that thread-per-connection serving leaves behind. */
    mallopt(M_ARENA_MAX, 2);
    srv->cfg = *cfg;
    srv->listen_fd = -1;
    srv->started_ms = vt_clock_now_ms();
    if ((error = vt_ledger_retention_check(cfg->retention_months, err)) < 0)
        goto fail;
    if ((error = load_tls(srv, &cert, &key, err)) < 0)
        goto fail;
    srv->ledger_key = vt_calloc(1, sizeof(*srv->ledger_key));
    if (!srv->ledger_key) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto fail;
    }
    if ((error = vt_ledger_key_load_or_create(cfg->key_path, srv->ledger_key, &created, err)) < 0)
        goto fail;
    if (created)
        fprintf(stderr, "vulntrack serve: created the ledger signing key %s (public key %s)\n",
                cfg->key_path, srv->ledger_key->public_hex);
    if (cfg->policy_dir &&
        (error = vt_policy_set_load_dir(cfg->policy_dir, &srv->policies, err)) < 0)
        goto fail;
    if (cfg->calendar_dir &&
        (error = vt_calendar_set_load_dir(cfg->calendar_dir, &srv->calendars, err)) < 0)
        goto fail;
    srv->metrics = vt_metrics_new();
    srv->intake_limit = vt_ratelimit_new(cfg->rate_client, cfg->rate_client_burst, cfg->rate_total,
                                         cfg->rate_total_burst);
    if (!srv->metrics || !srv->intake_limit) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto fail;
    }
    /* The writer opens (and migrates) the database first. */
    if ((error = vt_writer_start(&srv->writer, cfg->db_path, after_group, srv, err)) < 0 ||
        (error = vt_pool_new(&srv->pool, cfg->db_path, cfg->threads, err)) < 0 ||
        (error = vt_pool_new(&srv->read_pool, cfg->db_path, cfg->threads * 2, err)) < 0 ||
        (error = vt_notify_worker_start(srv, err)) < 0 ||
        (error = open_listener(srv, err)) < 0)
        goto fail;
    if (cfg->tls_cert)
        flags |= MHD_USE_TLS;
    if (cfg->listen[0] == '[')
        flags |= MHD_USE_IPv6;
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, vt__http_on_request, srv, MHD_OPTION_LISTEN_SOCKET, srv->listen_fd,
        MHD_OPTION_NOTIFY_COMPLETED, vt__http_on_completed, srv, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned int)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)2048,
        MHD_OPTION_THREAD_STACK_SIZE, (size_t)(512 * 1024),
        cfg->tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert.ptr,
        MHD_OPTION_HTTPS_MEM_KEY, key.ptr, MHD_OPTION_END);
    if (!srv->daemon) {
        error = vt_error_set(err, VT_EIO, 0, "cannot start the HTTP server on %s%s", cfg->listen,
                             cfg->tls_cert ? " (is the TLS certificate and key a valid PEM pair?)" : "");
        goto fail;
    }
    vt_buf_dispose(&cert);
    vt_buf_dispose(&key);
    *out = srv;
    return 0;
fail:
    vt_buf_dispose(&cert);
    vt_buf_dispose(&key);
    vt_server_stop(srv, 0);
    return error;
}

const char *vt_server_url(vt_server *srv)
{
    return srv->url;
}

static int noop_write(vt_store *w, void *ctx, vt_error *err)
{
    (void)w;
    (void)ctx;
    (void)err;
    return 0;
}

static int sweep_write(vt_store *w, void *ctx, vt_error *err)
{
    long *marked = ctx;

    return vt_obligations_sweep(w, vt_clock_now_ms(), marked, err);
}

typedef struct purge_ctx {
    int months;
    int64_t purged;
} purge_ctx;

static int purge_write(vt_store *w, void *ctx, vt_error *err)
{
    purge_ctx *p = ctx;

    return vt_ledger_purge(w, p->months, vt_clock_now_ms(), &p->purged, err);
}

/* Seal whatever the ledger holds beyond its last checkpoint. */
static int seal_write(vt_store *w, void *ctx, vt_error *err)
{
    vt_server *srv = ctx;
    bool made = false;

    return vt_ledger_checkpoint_if_due(w, srv->ledger_key, 1, 0, vt_clock_now_ms(), &made, err);
}

void vt_server_tick(vt_server *srv)
{
    static int64_t last_checkpoint, last_sweep, last_purge;
    static uint64_t jobs_at_last_trim;
    int64_t now = vt_clock_now_ms();
    vt_error err = VT_ERROR_INIT;
    uint64_t groups, jobs;

    /* After a burst, once nothing is in flight, hand the heap's free pages
     * back to the system: connection threads leave them behind in glibc's
     * arenas, and an idle server should not keep its peak footprint. */
    vt_writer_counts(srv->writer, &groups, &jobs);
    if (jobs != jobs_at_last_trim && atomic_load(&srv->in_flight) == 0) {
        jobs_at_last_trim = jobs;
        malloc_trim(0);
    }

    /* A group with no jobs still runs the checkpoint hook, which signs
     * entries that arrived since the last checkpoint once it is due. */
    if (now - last_checkpoint >= srv->cfg.checkpoint_ms / 4 + 1) {
        last_checkpoint = now;
        if (vt_server_write(srv, noop_write, NULL, &err) < 0)
            fprintf(stderr, "vulntrack serve: checkpoint: %s\n", err.msg);
    }
    if (now - last_sweep >= srv->cfg.sweep_ms) {
        long marked = 0;

        last_sweep = now;
        if (vt_server_write(srv, sweep_write, &marked, &err) < 0)
            fprintf(stderr, "vulntrack serve: obligation sweeper: %s\n", err.msg);
        else if (marked > 0)
            fprintf(stderr, "vulntrack serve: %ld obligation(s) became overdue\n", marked);
    }
    if (now - last_purge >= PURGE_PERIOD_MS) {
        purge_ctx p = {srv->cfg.retention_months, 0};

        last_purge = now;
        if (vt_server_write(srv, purge_write, &p, &err) < 0)
            fprintf(stderr, "vulntrack serve: ledger retention purge: %s\n", err.msg);
        else if (p.purged > 0)
            fprintf(stderr, "vulntrack serve: purged %lld ledger entries older than %d months\n",
                    (long long)p.purged, p.months);
    }
}

void vt_server_stop(vt_server *srv, int64_t grace_ms)
{
    if (!srv)
        return;
    atomic_store(&srv->draining, true);
    if (srv->daemon) {
        struct timespec pause = {0, 10 * 1000 * 1000};
        int64_t waited = 0;
        MHD_socket fd = MHD_quiesce_daemon(srv->daemon);

        /* No new connections from here; let the requests in progress end. */
        if (fd != MHD_INVALID_SOCKET)
            close(fd);
        srv->listen_fd = -1;
        while (atomic_load(&srv->in_flight) > 0 && waited < grace_ms) {
            nanosleep(&pause, NULL);
            waited += 10;
        }
        MHD_stop_daemon(srv->daemon);
    }
    /* The delivery thread writes through the writer: stop it first. */
    vt_notify_worker_stop(srv);
    /* A clean stop leaves every entry under a signed checkpoint, so that a
     * copy taken now verifies with the public key alone. */
    if (srv->writer && srv->ledger_key) {
        vt_error err = VT_ERROR_INIT;

        if (vt_server_write(srv, seal_write, srv, &err) < 0)
            fprintf(stderr, "vulntrack serve: final ledger checkpoint: %s\n", err.msg);
    }
    if (srv->listen_fd >= 0)
        close(srv->listen_fd);
    vt_writer_stop(srv->writer);
    vt_pool_free(srv->pool);
    vt_pool_free(srv->read_pool);
    vt_policy_set_free(srv->policies);
    vt_calendar_set_free(srv->calendars);
    vt_ledger_key_wipe(srv->ledger_key);
    vt_free(srv->ledger_key);
    vt_metrics_free(srv->metrics);
    vt_ratelimit_free(srv->intake_limit);
    vt_free(srv);
}
