/*
 * metrics.c - request counters and a latency histogram for /metrics, in
 * the Prometheus text exposition format. Counters are keyed by route
 * pattern (not the raw path, which would make one series per record) and
 * status.
 */
#include <string.h>

#include "server_internal.h"
#include "vulntrack/alloc.h"

#define METRICS_SERIES_MAX 512

/* Histogram upper bounds in seconds. */
static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                0.05,   0.1,   0.25,   0.5,   1,    2.5};
#define NBOUNDS (sizeof(bounds) / sizeof(bounds[0]))

typedef struct series {
    const vt_route *route;
    unsigned status;
    uint64_t count;
} series;

struct vt_metrics {
    pthread_mutex_t lock;
    series s[METRICS_SERIES_MAX];
    size_t n;
    uint64_t overflow; /* requests of series beyond the table */
    uint64_t buckets[NBOUNDS + 1];
    double sum;
    uint64_t total;
    uint64_t intake;
};

vt_metrics *vt_metrics_new(void)
{
    vt_metrics *m = vt_calloc(1, sizeof(*m));

    if (m)
        pthread_mutex_init(&m->lock, NULL);
    return m;
}

void vt_metrics_free(vt_metrics *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->lock);
    vt_free(m);
}

void vt_metrics_observe(vt_metrics *m, const vt_route *route, unsigned status, double seconds)
{
    size_t i, b = NBOUNDS;

    for (i = 0; i < NBOUNDS; i++) {
        if (seconds <= bounds[i]) {
            b = i;
            break;
        }
    }
    pthread_mutex_lock(&m->lock);
    for (i = 0; i < m->n; i++)
        if (m->s[i].route == route && m->s[i].status == status)
            break;
    if (i == m->n && m->n < METRICS_SERIES_MAX) {
        m->s[i].route = route;
        m->s[i].status = status;
        m->n++;
    }
    if (i < m->n)
        m->s[i].count++;
    else
        m->overflow++;
    m->buckets[b]++;
    m->sum += seconds;
    m->total++;
    pthread_mutex_unlock(&m->lock);
}

void vt_metrics_count_intake(vt_metrics *m)
{
    pthread_mutex_lock(&m->lock);
    m->intake++;
    pthread_mutex_unlock(&m->lock);
}

int vt_metrics_render(vt_metrics *m, vt_buf *out)
{
    uint64_t cumulative = 0;
    size_t i;
    int error = 0;

    pthread_mutex_lock(&m->lock);
    error |= vt_buf_puts(out, "# HELP vulntrack_http_requests_total HTTP requests by route and status.\n"
                              "# TYPE vulntrack_http_requests_total counter\n");
    for (i = 0; i < m->n && error == 0; i++) {
        const vt_route *r = m->s[i].route;

        error |= vt_buf_printf(out,
                               "vulntrack_http_requests_total{method=\"%s\",route=\"%s\",status=\"%u\"} %llu\n",
                               r ? r->method : "", r ? r->pattern : "unmatched", m->s[i].status,
                               (unsigned long long)m->s[i].count);
    }
    if (m->overflow)
        error |= vt_buf_printf(out, "vulntrack_http_requests_total{route=\"other\"} %llu\n",
                               (unsigned long long)m->overflow);
    error |= vt_buf_puts(out,
                         "# HELP vulntrack_http_request_duration_seconds Time from the request's "
                         "arrival to its reply.\n"
                         "# TYPE vulntrack_http_request_duration_seconds histogram\n");
    for (i = 0; i < NBOUNDS && error == 0; i++) {
        cumulative += m->buckets[i];
        error |= vt_buf_printf(out, "vulntrack_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                               bounds[i], (unsigned long long)cumulative);
    }
    cumulative += m->buckets[NBOUNDS];
    error |= vt_buf_printf(out,
                           "vulntrack_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
                           "vulntrack_http_request_duration_seconds_sum %.6f\n"
                           "vulntrack_http_request_duration_seconds_count %llu\n"
                           "# HELP vulntrack_intake_total Reports and reporter messages accepted.\n"
                           "# TYPE vulntrack_intake_total counter\n"
                           "vulntrack_intake_total %llu\n",
                           (unsigned long long)cumulative, m->sum, (unsigned long long)m->total,
                           (unsigned long long)m->intake);
    pthread_mutex_unlock(&m->lock);
    return error ? VT_ENOMEM : 0;
}
