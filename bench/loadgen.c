/*
 * loadgen.c - an HTTP/1.1 load generator for measuring `vulntrack serve`
 * on loopback: several threads, each driving several keep-alive
 * connections with epoll.
 *
 * Usage: loadgen [OPTIONS] URL          (URL: http://HOST:PORT, no path)
 *   -m max|rate     closed loop as fast as the connections go, or an open
 *                   loop at a fixed rate (-r) (default max)
 *   -r R            requests per second in rate mode (a whole number)
 *   -d SECONDS      how long requests are sent (default 5)
 *   -w SECONDS      warm-up first: sent but not counted (default 0)
 *   -n N            max mode: stop after N requests (then -d is a limit)
 *   -t T            threads (default 2)
 *   -c C            connections in all, spread over the threads (default 16)
 *   -X METHOD       default GET, or POST when a body is given
 *   -p PATH         request path; "{id}" cycles through the lines of -i
 *   -i FILE         the ids for "{id}", one per line
 *   -H 'Name: v'    a request header (repeatable)
 *   -b BODY         request body; "{n}" becomes a counter unique in the run
 *   -B FILE         request body read from FILE
 *   -s FIELD=FILE   append the value of the top-level JSON member FIELD of
 *                   every 2xx response body to FILE, one per line
 *   -T SECONDS      how long to wait for the last responses (default 5)
 *   -v              print the responses of every second while running
 *
 * Latency. In max mode a request's latency runs from its send. In rate mode
 * request k of the run is due at start + k/R whether or not a connection
 * is free then, and its latency runs from that due time: when the server
 * falls behind, the time requests spend waiting for a connection is
 * counted instead of hidden ("coordinated omission"). Requests still
 * waiting when the run ends are reported as unsent.
 *
 * Latencies go into a log-linear histogram (64 linear sub-buckets per
 * power of two, so any reported value is within 1.6% of the true one); the
 * maximum is kept exactly.
 *
 * Output: a readable summary and a last line
 *   RESULT key=value ...
 * for scripts (rps counts responses completed after the warm-up and before
 * the end, per second; latencies in milliseconds).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/strparse.h"

#define NS_PER_S 1000000000LL
#define NS_PER_MS 1000000LL

/* Largest response accepted; the service's replies are a few KiB. */
#define RESPONSE_MAX (16u << 20)
#define HEADERS_MAX (64u << 10)

/* ---------------------------------------------------------------------- */
/* Histogram                                                                */

#define HIST_SUB_BITS 7
#define HIST_HALF (1u << (HIST_SUB_BITS - 1))
#define HIST_BUCKETS ((64 - HIST_SUB_BITS + 1) * HIST_HALF + HIST_HALF)

typedef struct hist {
    uint64_t count[HIST_BUCKETS];
    uint64_t total;
    int64_t max;
} hist;

/*
 * Values below 2^HIST_SUB_BITS have a bucket each; above, each power of two
 * is cut into HIST_HALF equal buckets, indexed by the value's top
 * HIST_SUB_BITS bits and its exponent.
 */
static unsigned hist_index(uint64_t v)
{
    unsigned msb, shift;

    if (v < (1u << HIST_SUB_BITS))
        return (unsigned)v;
    msb = 63u - (unsigned)__builtin_clzll(v);
    shift = msb - (HIST_SUB_BITS - 1);
    return shift * HIST_HALF + (unsigned)(v >> shift);
}

/* The highest value that falls into bucket `i`. */
static uint64_t hist_upper(unsigned i)
{
    unsigned shift;
    uint64_t m;

    if (i < HIST_HALF)
        return i;
    shift = i / HIST_HALF - 1;
    m = HIST_HALF + i % HIST_HALF;
    return ((m + 1) << shift) - 1;
}

static void hist_add(hist *h, int64_t v)
{
    if (v < 0)
        v = 0;
    h->count[hist_index((uint64_t)v)]++;
    h->total++;
    if (v > h->max)
        h->max = v;
}

static void hist_merge(hist *into, const hist *from)
{
    unsigned i;

    for (i = 0; i < HIST_BUCKETS; i++)
        into->count[i] += from->count[i];
    into->total += from->total;
    if (from->max > into->max)
        into->max = from->max;
}

/* The value at quantile q (0..1): the top of the bucket holding it, never above max. */
static int64_t hist_quantile(const hist *h, double q)
{
    uint64_t want, seen = 0;
    unsigned i;

    if (h->total == 0)
        return 0;
    want = (uint64_t)(q * (double)h->total + 0.5);
    if (want < 1)
        want = 1;
    if (want > h->total)
        want = h->total;
    for (i = 0; i < HIST_BUCKETS; i++) {
        seen += h->count[i];
        if (seen >= want) {
            uint64_t v = hist_upper(i);

            return (int64_t)v > h->max ? h->max : (int64_t)v;
        }
    }
    return h->max;
}

/* ---------------------------------------------------------------------- */
/* Configuration and shared state                                          */

typedef struct config {
    const char *host, *port;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    bool rate_mode;
    uint64_t rate;
    double duration, warmup, grace;
    uint64_t limit; /* max mode: requests in all; 0: none */
    unsigned threads, conns;
    const char *method;
    const char *path;
    vt_buf headers; /* "Name: value\r\n" lines */
    char *body;
    size_t body_len;
    char **ids;
    size_t nids;
    const char *save_field;
    FILE *save;
    bool verbose;
} config;

static config cfg;
static int64_t t_start, t_measure, t_end, t_giveup;
static atomic_uint_fast64_t next_n;    /* body counter and id cursor */
static atomic_uint_fast64_t issued;    /* requests sent, for -n */
static atomic_bool limit_hit;          /* -n reached: send no more */
static atomic_uint_fast64_t responses; /* for -v */
static atomic_int running;             /* workers not finished */
static pthread_mutex_t save_lock = PTHREAD_MUTEX_INITIALIZER;

static int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* ---------------------------------------------------------------------- */
/* Connections and workers                                                 */

enum { C_DOWN, C_IDLE, C_BUSY };

typedef struct worker worker;

typedef struct conn {
    int fd;
    int state;
    worker *w;
    vt_buf out;  /* the request being sent */
    vt_buf body; /* its body, kept to reuse the memory */
    size_t out_off;
    char *in; /* bytes received for the response */
    size_t in_len, in_cap;
    int64_t due;   /* when the request counts from */
    bool want_out; /* EPOLLOUT registered */
} conn;

struct worker {
    pthread_t thread;
    unsigned id;
    int ep, tfd;
    conn *conns;
    unsigned nconns, idle, inflight;
    /* Rate mode: this worker's requests are due at offset + k * interval. */
    int64_t offset, interval;
    uint64_t k;
    int64_t armed; /* the timer's expiry, 0 when disarmed */
    /* Results. */
    uint64_t sent, done, in_window, ok_in_window, status[6], errors, timeouts, unsent;
    uint64_t connects;
    int64_t last_done;
    hist lat;
    int fatal;
};

static void conn_close(conn *c)
{
    if (c->fd >= 0) {
        epoll_ctl(c->w->ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
    }
    if (c->state == C_IDLE)
        c->w->idle--;
    else if (c->state == C_BUSY)
        c->w->inflight--;
    c->fd = -1;
    c->state = C_DOWN;
    c->in_len = 0;
    c->want_out = false;
}

/*
 * Connect (blocking: on loopback it completes at once), then switch the
 * socket to non-blocking for the event loop.
 */
static int conn_open(conn *c)
{
    struct epoll_event ev;
    int one = 1, fd, flags;

    fd = socket(cfg.addr.ss_family, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&cfg.addr, cfg.addrlen) < 0) {
        close(fd);
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        close(fd);
        return -1;
    }
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.ptr = c;
    if (epoll_ctl(c->w->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
        close(fd);
        return -1;
    }
    c->fd = fd;
    c->state = C_IDLE;
    c->w->idle++;
    c->w->connects++;
    return 0;
}

static void set_want_out(conn *c, bool on)
{
    struct epoll_event ev;

    if (c->want_out == on)
        return;
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN | (on ? EPOLLOUT : 0);
    ev.data.ptr = c;
    epoll_ctl(c->w->ep, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = on;
}

/* Append `s` to `b` with every `ph` replaced by `with`. */
static int put_replaced(vt_buf *b, const char *s, size_t len, const char *ph, const char *with)
{
    size_t phl = strlen(ph), i = 0, from = 0;
    int error = 0;

    while (error == 0 && i + phl <= len) {
        if (memcmp(s + i, ph, phl) == 0) {
            error = vt_buf_put(b, s + from, i - from);
            if (error == 0)
                error = vt_buf_puts(b, with);
            i += phl;
            from = i;
        } else {
            i++;
        }
    }
    if (error == 0)
        error = vt_buf_put(b, s + from, len - from);
    return error;
}

/* Write request number n into c->out. */
static int build_request(conn *c, uint64_t n)
{
    vt_buf *body = &c->body;
    char num[24];
    const char *id = cfg.nids ? cfg.ids[n % cfg.nids] : "";
    int error;

    snprintf(num, sizeof(num), "%llu", (unsigned long long)n);
    vt_buf_clear(&c->out);
    vt_buf_clear(body);
    error = put_replaced(body, cfg.body ? cfg.body : "", cfg.body_len, "{n}", num);
    if (error == 0)
        error = vt_buf_printf(&c->out, "%s ", cfg.method);
    if (error == 0)
        error = put_replaced(&c->out, cfg.path, strlen(cfg.path), "{id}", id);
    if (error == 0)
        error = vt_buf_printf(&c->out, " HTTP/1.1\r\nHost: %s:%s\r\n%s", cfg.host, cfg.port,
                              cfg.headers.ptr);
    if (error == 0 && (cfg.body || strcmp(cfg.method, "POST") == 0))
        error = vt_buf_printf(&c->out, "Content-Length: %zu\r\n", body->len);
    if (error == 0)
        error = vt_buf_puts(&c->out, "\r\n");
    if (error == 0)
        error = vt_buf_put(&c->out, body->ptr, body->len);
    return error;
}

static void conn_fail(conn *c)
{
    if (c->state == C_BUSY)
        c->w->errors++;
    conn_close(c);
}

/* Send what is left of c->out; returns -1 when the connection failed. */
static int conn_flush(conn *c)
{
    while (c->out_off < c->out.len) {
        ssize_t n = send(c->fd, c->out.ptr + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                set_want_out(c, true);
                return 0;
            }
            return -1;
        }
        c->out_off += (size_t)n;
    }
    set_want_out(c, false);
    return 0;
}

/* Start one request on idle connection c, counted from `due`. */
static int conn_start(conn *c, int64_t due)
{
    uint64_t n = atomic_fetch_add(&next_n, 1);

    if (build_request(c, n) < 0) {
        c->w->fatal = 1;
        return -1;
    }
    c->out_off = 0;
    c->in_len = 0;
    c->due = due;
    c->state = C_BUSY;
    c->w->idle--;
    c->w->inflight++;
    c->w->sent++;
    if (conn_flush(c) < 0) {
        conn_fail(c);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Response parsing                                                        */

typedef struct response {
    unsigned status;
    bool close;
    const char *body; /* Content-Length bodies only; NULL when chunked */
    size_t body_len;
} response;

static const char *find_bytes(const char *s, size_t len, const char *pat, size_t plen)
{
    size_t i;

    for (i = 0; i + plen <= len; i++)
        if (s[i] == pat[0] && memcmp(s + i, pat, plen) == 0)
            return s + i;
    return NULL;
}

static void trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

/* Parse a hexadecimal chunk size; returns -1 when there is none. */
static int parse_hex(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    size_t i;

    for (i = 0; i < len; i++) {
        int c = s[i], d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            break;
        if (v > (UINT64_MAX >> 4))
            return -1;
        v = v * 16 + (uint64_t)d;
    }
    if (i == 0)
        return -1;
    *out = v;
    return 0;
}

/*
 * Returns the length of the complete response at the start of b, 0 when
 * more bytes are needed, -1 when it is malformed.
 */
static long parse_response(const char *b, size_t len, response *r)
{
    const char *eoh = find_bytes(b, len, "\r\n\r\n", 4), *line, *end;
    uint64_t clen = 0, st;
    bool chunked = false, have_len = false;
    size_t pos;

    memset(r, 0, sizeof(*r));
    if (!eoh)
        return len > HEADERS_MAX ? -1 : 0;
    if (len < 12 || memcmp(b, "HTTP/1.", 7) != 0 || vt_parse_u64(&st, b + 9, 3) != 0)
        return -1;
    r->status = (unsigned)st;
    r->close = b[7] == '0';
    end = eoh + 2;
    line = find_bytes(b, (size_t)(end - b), "\r\n", 2) + 2;
    while (line < end) {
        const char *nl = find_bytes(line, (size_t)(end - line), "\r\n", 2);
        const char *colon = memchr(line, ':', (size_t)(nl - line));
        const char *v;
        size_t vlen;

        if (!colon)
            return -1;
        v = colon + 1;
        vlen = (size_t)(nl - v);
        trim(&v, &vlen);
        if (vt_ascii_ieq(line, (size_t)(colon - line), "content-length")) {
            if (vt_parse_u64(&clen, v, vlen) != 0)
                return -1;
            have_len = true;
        } else if (vt_ascii_ieq(line, (size_t)(colon - line), "transfer-encoding")) {
            chunked = find_bytes(v, vlen, "chunked", 7) != NULL;
        } else if (vt_ascii_ieq(line, (size_t)(colon - line), "connection")) {
            if (vt_ascii_ieq(v, vlen, "close"))
                r->close = true;
            else if (vt_ascii_ieq(v, vlen, "keep-alive"))
                r->close = false;
        }
        line = nl + 2;
    }
    pos = (size_t)(eoh - b) + 4;
    if (r->status / 100 == 1 || r->status == 204 || r->status == 304)
        return (long)pos;
    if (chunked) {
        for (;;) {
            const char *nl = find_bytes(b + pos, len - pos, "\r\n", 2);
            uint64_t sz;

            if (!nl)
                return len - pos > 64 ? -1 : 0;
            if (parse_hex(b + pos, (size_t)(nl - (b + pos)), &sz) < 0 || sz > RESPONSE_MAX)
                return -1;
            pos = (size_t)(nl - b) + 2;
            if (sz == 0)
                break;
            if (len - pos < sz + 2)
                return 0;
            pos += sz + 2;
        }
        /* Trailer lines, then the empty line. */
        for (;;) {
            const char *nl = find_bytes(b + pos, len - pos, "\r\n", 2);

            if (!nl)
                return 0;
            if (nl == b + pos)
                return (long)(pos + 2);
            pos = (size_t)(nl - b) + 2;
        }
    }
    if (!have_len) {
        /* Only "until the connection closes" is left: not used by the service. */
        r->close = true;
        return (long)pos;
    }
    if (clen > RESPONSE_MAX)
        return -1;
    if (len - pos < clen)
        return 0;
    r->body = b + pos;
    r->body_len = (size_t)clen;
    return (long)(pos + clen);
}

/* Append the value of top-level member cfg.save_field (a string or number) to the save file. */
static void save_field(const char *body, size_t len)
{
    char key[128];
    const char *p, *end = body + len, *v;
    int klen = snprintf(key, sizeof(key), "\"%s\"", cfg.save_field);

    if (klen < 0 || (size_t)klen >= sizeof(key))
        return;
    p = find_bytes(body, len, key, (size_t)klen);
    if (!p)
        return;
    p += klen;
    while (p < end && (*p == ' ' || *p == ':'))
        p++;
    if (p < end && *p == '"') {
        v = ++p;
        while (p < end && *p != '"')
            p += *p == '\\' ? 2 : 1;
    } else {
        v = p;
        while (p < end && *p != ',' && *p != '}' && *p != ' ')
            p++;
    }
    if (p > end)
        return;
    pthread_mutex_lock(&save_lock);
    fprintf(cfg.save, "%.*s\n", (int)(p - v), v);
    pthread_mutex_unlock(&save_lock);
}

/* One response arrived on c at time `now`. */
static void response_done(conn *c, const response *r, int64_t now)
{
    worker *w = c->w;
    unsigned cls = r->status / 100;

    w->done++;
    w->last_done = now;
    if (cfg.verbose)
        atomic_fetch_add(&responses, 1);
    w->status[cls < 6 ? cls : 0]++;
    if (c->due >= t_measure)
        hist_add(&w->lat, now - c->due);
    if (now >= t_measure && now <= t_end) {
        w->in_window++;
        if (cls == 2)
            w->ok_in_window++;
    }
    if (cls == 2 && cfg.save && r->body)
        save_field(r->body, r->body_len);
    c->state = C_IDLE;
    w->inflight--;
    w->idle++;
}

static void conn_readable(conn *c)
{
    for (;;) {
        ssize_t n;
        long used;
        response r;

        if (c->in_cap - c->in_len < 4096) {
            size_t ncap = c->in_cap ? c->in_cap * 2 : 16384;
            char *p;

            if (ncap > RESPONSE_MAX + HEADERS_MAX) {
                conn_fail(c);
                return;
            }
            p = vt_realloc(c->in, ncap);
            if (!p) {
                c->w->fatal = 1;
                return;
            }
            c->in = p;
            c->in_cap = ncap;
        }
        n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            conn_fail(c);
            return;
        }
        if (n == 0) {
            /* Closed: an error if a response was owed, else a keep-alive timeout. */
            conn_fail(c);
            return;
        }
        c->in_len += (size_t)n;
        if (c->state != C_BUSY) {
            conn_fail(c); /* bytes nobody asked for */
            return;
        }
        used = parse_response(c->in, c->in_len, &r);
        if (used < 0) {
            conn_fail(c);
            return;
        }
        if (used == 0)
            continue;
        response_done(c, &r, now_ns());
        if (r.close || (size_t)used != c->in_len) {
            conn_close(c);
            return;
        }
        c->in_len = 0;
        return;
    }
}

/* Rate mode: when this worker's request k is due. */
static int64_t due_of(const worker *w, uint64_t k)
{
    return t_start + w->offset + (int64_t)k * w->interval;
}

/* Give requests to idle connections: every due one (rate), or one each (max). */
static void dispatch(worker *w, int64_t now)
{
    unsigned i;

    for (i = 0; i < w->nconns && !w->fatal; i++) {
        conn *c = &w->conns[i];

        if (c->state == C_DOWN && now < t_end && conn_open(c) < 0) {
            w->errors++;
            continue;
        }
        if (c->state != C_IDLE)
            continue;
        if (cfg.rate_mode) {
            int64_t due = due_of(w, w->k);

            if (due > now || due >= t_end)
                return;
            w->k++;
            conn_start(c, due);
        } else {
            if (now >= t_end)
                return;
            if (atomic_load(&limit_hit))
                return;
            if (cfg.limit && atomic_fetch_add(&issued, 1) >= cfg.limit) {
                atomic_store(&limit_hit, true);
                return;
            }
            conn_start(c, now);
        }
    }
}

/*
 * Arm the timer for the next due request when a connection could take it.
 * The timer is set only when that time changes: one system call less per
 * request at high rates, where the generator shares the cores with the
 * server.
 */
static void arm_timer(worker *w)
{
    struct itimerspec its;
    int64_t due = 0;

    if (cfg.rate_mode && w->idle > 0) {
        due = due_of(w, w->k);
        if (due >= t_end)
            due = 0;
    }
    if (due == w->armed)
        return;
    memset(&its, 0, sizeof(its));
    if (due > 0) {
        its.it_value.tv_sec = due / NS_PER_S;
        its.it_value.tv_nsec = due % NS_PER_S;
    }
    timerfd_settime(w->tfd, TFD_TIMER_ABSTIME, &its, NULL);
    w->armed = due;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    struct epoll_event evs[64];
    struct epoll_event tev;

    memset(&tev, 0, sizeof(tev));
    tev.events = EPOLLIN;
    tev.data.ptr = NULL;
    epoll_ctl(w->ep, EPOLL_CTL_ADD, w->tfd, &tev);
    for (;;) {
        int64_t now = now_ns(), wait_ms;
        int n, i;

        dispatch(w, now);
        if (w->fatal)
            break;
        if ((now >= t_end || atomic_load(&limit_hit)) && w->inflight == 0)
            break;
        if (now >= t_giveup) {
            w->timeouts += w->inflight;
            break;
        }
        arm_timer(w);
        wait_ms = ((now < t_end ? t_end : t_giveup) - now) / NS_PER_MS + 1;
        if (wait_ms > 100)
            wait_ms = 100;
        n = epoll_wait(w->ep, evs, 64, (int)wait_ms);
        for (i = 0; i < n; i++) {
            conn *c = evs[i].data.ptr;

            if (!c) {
                uint64_t ticks;

                /* A one-shot timer that fired is disarmed. */
                if (read(w->tfd, &ticks, sizeof(ticks)) == (ssize_t)sizeof(ticks))
                    w->armed = 0;
                continue;
            }
            if (c->fd < 0)
                continue;
            if (evs[i].events & EPOLLIN)
                conn_readable(c);
            if (c->fd >= 0 && (evs[i].events & EPOLLOUT) && conn_flush(c) < 0)
                conn_fail(c);
            if (c->fd >= 0 && (evs[i].events & (EPOLLERR | EPOLLHUP)) && !(evs[i].events & EPOLLIN))
                conn_fail(c);
        }
    }
    if (cfg.rate_mode) {
        /* Requests due before the end that never found a connection. */
        uint64_t k = w->k;

        while (due_of(w, k) < t_end)
            k++;
        w->unsent = k - w->k;
    }
    atomic_fetch_sub(&running, 1);
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Set-up                                                                  */

static int usage(void)
{
    fprintf(stderr, "usage: loadgen [-m max|rate] [-r R] [-d S] [-w S] [-n N] [-t T] [-c C]\n"
                    "               [-X METHOD] [-p PATH] [-i IDS] [-H 'Name: v'] [-b BODY]\n"
                    "               [-B FILE] [-s FIELD=FILE] [-T S] [-v] http://HOST:PORT\n");
    return 2;
}

static int parse_uint(const char *s, uint64_t *out)
{
    return vt_parse_u64(out, s, strlen(s)) == 0 ? 0 : -1;
}

/* Seconds as "N" or "N.F" (no strtod: the project's checked parsers only). */
static int parse_seconds(const char *s, double *out)
{
    const char *dot = strchr(s, '.');
    uint64_t whole, frac = 0;
    size_t flen = 0;
    double scale = 1;

    if (vt_parse_u64(&whole, s, dot ? (size_t)(dot - s) : strlen(s)) != 0)
        return -1;
    if (dot) {
        flen = strlen(dot + 1);
        if (flen == 0 || flen > 9 || vt_parse_u64(&frac, dot + 1, flen) != 0)
            return -1;
        while (flen--)
            scale *= 10;
    }
    *out = (double)whole + (double)frac / scale;
    return 0;
}

static int load_ids(const char *path)
{
    vt_buf raw = VT_BUF_INIT;
    char *p, *end;
    size_t cap = 0;

    if (vt_buf_read_file(&raw, path, NULL) < 0)
        return -1;
    p = raw.ptr;
    end = raw.ptr + raw.len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

        if (len && p[len - 1] == '\r')
            len--;
        if (len) {
            if (cfg.nids == cap) {
                char **g;

                cap = cap ? cap * 2 : 256;
                g = vt_realloc(cfg.ids, cap * sizeof(*g));
                if (!g)
                    return -1;
                cfg.ids = g;
            }
            cfg.ids[cfg.nids] = vt_strndup(p, len);
            if (!cfg.ids[cfg.nids])
                return -1;
            cfg.nids++;
        }
        p += len + (nl ? 1 : 0);
        if (nl && p < end && *p == '\n')
            p++;
    }
    vt_buf_dispose(&raw);
    return cfg.nids ? 0 : -1;
}

static int resolve(const char *url)
{
    static char host[256], port[16];
    struct addrinfo hints, *res = NULL;
    const char *h, *colon, *slash;
    size_t hl;

    if (strncmp(url, "http://", 7) != 0)
        return -1;
    h = url + 7;
    slash = strchr(h, '/');
    hl = slash ? (size_t)(slash - h) : strlen(h);
    if (*h == '[') {
        const char *rb = memchr(h, ']', hl);

        if (!rb || rb + 1 >= h + hl || rb[1] != ':')
            return -1;
        colon = rb + 1;
        snprintf(host, sizeof(host), "%.*s", (int)(rb - h - 1), h + 1);
    } else {
        colon = memchr(h, ':', hl);
        if (!colon)
            return -1;
        snprintf(host, sizeof(host), "%.*s", (int)(colon - h), h);
    }
    snprintf(port, sizeof(port), "%.*s", (int)(h + hl - colon - 1), colon + 1);
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0 || !res)
        return -1;
    memcpy(&cfg.addr, res->ai_addr, res->ai_addrlen);
    cfg.addrlen = res->ai_addrlen;
    freeaddrinfo(res);
    cfg.host = host;
    cfg.port = port;
    return 0;
}

static vt_buf body_buf = VT_BUF_INIT;

static int parse_args(int argc, char **argv)
{
    vt_buf *bodyp = &body_buf;
    uint64_t v;
    int opt;

    cfg.duration = 5;
    cfg.grace = 5;
    cfg.threads = 2;
    cfg.conns = 16;
    cfg.path = "/";
    while ((opt = getopt(argc, argv, "m:r:d:w:n:t:c:X:p:i:H:b:B:s:T:v")) != -1) {
        switch (opt) {
        case 'm':
            if (strcmp(optarg, "rate") == 0)
                cfg.rate_mode = true;
            else if (strcmp(optarg, "max") != 0)
                return -1;
            break;
        case 'r':
            if (parse_uint(optarg, &cfg.rate) < 0 || cfg.rate == 0)
                return -1;
            break;
        case 'd':
            if (parse_seconds(optarg, &cfg.duration) < 0 || cfg.duration <= 0)
                return -1;
            break;
        case 'w':
            if (parse_seconds(optarg, &cfg.warmup) < 0)
                return -1;
            break;
        case 'T':
            if (parse_seconds(optarg, &cfg.grace) < 0)
                return -1;
            break;
        case 'n':
            if (parse_uint(optarg, &cfg.limit) < 0)
                return -1;
            break;
        case 't':
            if (parse_uint(optarg, &v) < 0 || v == 0 || v > 256)
                return -1;
            cfg.threads = (unsigned)v;
            break;
        case 'c':
            if (parse_uint(optarg, &v) < 0 || v == 0 || v > 100000)
                return -1;
            cfg.conns = (unsigned)v;
            break;
        case 'X':
            cfg.method = optarg;
            break;
        case 'p':
            cfg.path = optarg;
            break;
        case 'i':
            if (load_ids(optarg) < 0) {
                fprintf(stderr, "loadgen: cannot read ids from %s\n", optarg);
                return -1;
            }
            break;
        case 'H':
            if (vt_buf_printf(&cfg.headers, "%s\r\n", optarg) < 0)
                return -1;
            break;
        case 'b':
            vt_buf_clear(bodyp);
            if (vt_buf_puts(bodyp, optarg) < 0)
                return -1;
            cfg.body = bodyp->ptr;
            break;
        case 'B':
            vt_buf_clear(bodyp);
            if (vt_buf_read_file(bodyp, optarg, NULL) < 0) {
                fprintf(stderr, "loadgen: cannot read %s\n", optarg);
                return -1;
            }
            cfg.body = bodyp->ptr;
            break;
        case 's': {
            char *eq = strchr(optarg, '=');

            if (!eq || eq == optarg)
                return -1;
            *eq = '\0';
            cfg.save_field = optarg;
            cfg.save = fopen(eq + 1, "a");
            if (!cfg.save) {
                fprintf(stderr, "loadgen: cannot open %s\n", eq + 1);
                return -1;
            }
            break;
        }
        case 'v':
            cfg.verbose = true;
            break;
        default:
            return -1;
        }
    }
    if (cfg.body)
        cfg.body_len = bodyp->len;
    if (!cfg.method)
        cfg.method = cfg.body ? "POST" : "GET";
    if (optind != argc - 1 || (cfg.rate_mode && cfg.rate == 0))
        return -1;
    if (strstr(cfg.path, "{id}") && cfg.nids == 0) {
        fprintf(stderr, "loadgen: the path has {id} but no -i file was given\n");
        return -1;
    }
    if (cfg.conns < cfg.threads)
        cfg.threads = cfg.conns;
    if (resolve(argv[optind]) < 0) {
        fprintf(stderr, "loadgen: cannot use URL '%s' (http://HOST:PORT)\n", argv[optind]);
        return -1;
    }
    return 0;
}

/* -v: responses per second, once a second, until the workers finish. */
static void progress(void)
{
    struct timespec tick = {0, 100 * 1000 * 1000};
    int64_t next = t_start + NS_PER_S;
    uint64_t before = 0;

    while (atomic_load(&running) > 0) {
        int64_t now = now_ns();

        if (now >= next) {
            uint64_t n = atomic_load(&responses);

            fprintf(stderr, "  %5.1f s  %8llu responses/s\n",
                    (double)(next - t_start) / (double)NS_PER_S, (unsigned long long)(n - before));
            before = n;
            next += NS_PER_S;
        }
        nanosleep(&tick, NULL);
    }
}

/* Release what main and the workers hold (so that sanitizer runs are clean). */
static void release(worker *ws, hist *all)
{
    unsigned i, j;
    size_t k;

    for (i = 0; ws && i < cfg.threads; i++) {
        for (j = 0; ws[i].conns && j < ws[i].nconns; j++) {
            if (ws[i].conns[j].fd >= 0)
                close(ws[i].conns[j].fd);
            vt_buf_dispose(&ws[i].conns[j].out);
            vt_buf_dispose(&ws[i].conns[j].body);
            vt_free(ws[i].conns[j].in);
        }
        vt_free(ws[i].conns);
        if (ws[i].ep >= 0)
            close(ws[i].ep);
        if (ws[i].tfd >= 0)
            close(ws[i].tfd);
    }
    vt_free(ws);
    vt_free(all);
    for (k = 0; k < cfg.nids; k++)
        vt_free(cfg.ids[k]);
    vt_free(cfg.ids);
    vt_buf_dispose(&cfg.headers);
    vt_buf_dispose(&body_buf);
}

static double ms(int64_t ns)
{
    return (double)ns / (double)NS_PER_MS;
}

int main(int argc, char **argv)
{
    worker *ws;
    hist *all;
    uint64_t sent = 0, done = 0, in_window = 0, ok = 0, status[6] = {0}, errors = 0;
    uint64_t timeouts = 0, unsent = 0, connects = 0;
    double window, rps, ok_rps, cpu;
    struct rusage ru;
    int64_t last_done = 0;
    unsigned i, j;
    int fatal = 0;

    if (parse_args(argc, argv) < 0)
        return usage();
    ws = vt_calloc(cfg.threads, sizeof(*ws));
    all = vt_calloc(1, sizeof(*all));
    if (!ws || !all)
        return 1;
    for (i = 0; i < cfg.threads; i++) {
        worker *w = &ws[i];

        w->id = i;
        w->nconns = cfg.conns / cfg.threads + (i < cfg.conns % cfg.threads ? 1 : 0);
        w->conns = vt_calloc(w->nconns, sizeof(*w->conns));
        w->ep = epoll_create1(0);
        w->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
        if (!w->conns || w->ep < 0 || w->tfd < 0)
            return 1;
        for (j = 0; j < w->nconns; j++) {
            w->conns[j].fd = -1;
            w->conns[j].w = w;
            vt_buf_init(&w->conns[j].out, 0);
            vt_buf_init(&w->conns[j].body, 0);
        }
        if (cfg.rate_mode) {
            /* Worker i takes requests i, i+T, i+2T, ... of the run's schedule. */
            w->interval = (int64_t)((double)NS_PER_S * cfg.threads / (double)cfg.rate);
            w->offset = (int64_t)((double)NS_PER_S * i / (double)cfg.rate);
        }
        for (j = 0; j < w->nconns; j++) {
            if (conn_open(&w->conns[j]) < 0) {
                fprintf(stderr, "loadgen: cannot connect to %s:%s: %s\n", cfg.host, cfg.port,
                        strerror(errno));
                return 1;
            }
        }
    }
    t_start = now_ns() + 20 * NS_PER_MS; /* every worker is ready by then */
    t_measure = t_start + (int64_t)(cfg.warmup * (double)NS_PER_S);
    t_end = t_measure + (int64_t)(cfg.duration * (double)NS_PER_S);
    t_giveup = t_end + (int64_t)(cfg.grace * (double)NS_PER_S);
    atomic_store(&running, (int)cfg.threads);
    for (i = 0; i < cfg.threads; i++)
        if (pthread_create(&ws[i].thread, NULL, worker_main, &ws[i]) != 0)
            return 1;
    if (cfg.verbose)
        progress();
    for (i = 0; i < cfg.threads; i++) {
        worker *w = &ws[i];

        pthread_join(w->thread, NULL);
        sent += w->sent;
        done += w->done;
        in_window += w->in_window;
        ok += w->ok_in_window;
        for (j = 0; j < 6; j++)
            status[j] += w->status[j];
        errors += w->errors;
        timeouts += w->timeouts;
        unsent += w->unsent;
        connects += w->connects;
        fatal |= w->fatal;
        if (w->last_done > last_done)
            last_done = w->last_done;
        hist_merge(all, &w->lat);
    }
    if (cfg.save)
        fclose(cfg.save);
    /* The generator's own CPU time: on a shared machine it is taken from the server. */
    getrusage(RUSAGE_SELF, &ru);
    cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
          (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    /* A run cut short by -n lasts until its last response. */
    if (atomic_load(&limit_hit) && last_done > t_measure && last_done < t_end)
        window = (double)(last_done - t_measure) / (double)NS_PER_S;
    else
        window = (double)(t_end - t_measure) / (double)NS_PER_S;
    rps = (double)in_window / window;
    ok_rps = (double)ok / window;

    printf("loadgen: %s %s on %s:%s, %s", cfg.method, cfg.path, cfg.host, cfg.port,
           cfg.rate_mode ? "rate" : "max");
    if (cfg.rate_mode)
        printf(" %llu/s", (unsigned long long)cfg.rate);
    printf(", %u threads, %u connections, %.1f s measured after %.1f s warm-up\n", cfg.threads,
           cfg.conns, window, cfg.warmup);
    printf("  sent %llu, responses %llu (2xx %llu, 3xx %llu, 4xx %llu, 5xx %llu, other %llu), "
           "errors %llu, timeouts %llu, unsent %llu, connections opened %llu\n",
           (unsigned long long)sent, (unsigned long long)done, (unsigned long long)status[2],
           (unsigned long long)status[3], (unsigned long long)status[4],
           (unsigned long long)status[5], (unsigned long long)(status[0] + status[1]),
           (unsigned long long)errors, (unsigned long long)timeouts, (unsigned long long)unsent,
           (unsigned long long)connects);
    printf("  throughput %.1f responses/s (2xx %.1f/s); loadgen CPU %.2f s, %.1f us a request\n",
           rps, ok_rps, cpu, done ? cpu * 1e6 / (double)done : 0.0);
    printf("  latency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (%llu samples)\n",
           ms(hist_quantile(all, 0.50)), ms(hist_quantile(all, 0.90)), ms(hist_quantile(all, 0.99)),
           ms(hist_quantile(all, 0.999)), ms(all->max), (unsigned long long)all->total);
    printf("RESULT sent=%llu done=%llu s2xx=%llu s4xx=%llu s5xx=%llu errors=%llu timeouts=%llu "
           "unsent=%llu rps=%.1f ok_rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f "
           "max_ms=%.3f cpu_s=%.2f\n",
           (unsigned long long)sent, (unsigned long long)done, (unsigned long long)status[2],
           (unsigned long long)status[4], (unsigned long long)status[5], (unsigned long long)errors,
           (unsigned long long)timeouts, (unsigned long long)unsent, rps, ok_rps,
           ms(hist_quantile(all, 0.50)), ms(hist_quantile(all, 0.90)), ms(hist_quantile(all, 0.99)),
           ms(hist_quantile(all, 0.999)), ms(all->max), cpu);
    release(ws, all);
    return fatal ? 1 : 0;
}
