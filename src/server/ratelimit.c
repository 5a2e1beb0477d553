/*
 * ratelimit.c - token buckets for the intake channel: one per client
 * address and one for all clients together. A bucket holds up to `burst`
 * tokens and refills at `rate` per second; a request takes one. The
 * per-address buckets live in a fixed open-addressing table: when it is
 * full, the slot of the address seen longest ago is reused (an address idle
 * that long has a full bucket anyway, so forgetting it changes nothing).
 */
#include <math.h>
#include <string.h>

#include "server_internal.h"
#include "vulntrack/alloc.h"

#define RL_SLOTS 4096
#define RL_PROBE 16
#define RL_ADDR_MAX 64

typedef struct bucket {
    char addr[RL_ADDR_MAX]; /* "" when the slot is free */
    double tokens;
    int64_t last_ms;
} bucket;

struct vt_ratelimit {
    pthread_mutex_t lock;
    double rate, burst, total_rate, total_burst;
    bucket total;
    bucket *slots;
};

vt_ratelimit *vt_ratelimit_new(double per_client, double client_burst, double total,
                               double total_burst)
{
    vt_ratelimit *rl = vt_calloc(1, sizeof(*rl));

    if (!rl || !(rl->slots = vt_calloc(RL_SLOTS, sizeof(bucket)))) {
        vt_free(rl);
        return NULL;
    }
    pthread_mutex_init(&rl->lock, NULL);
    rl->rate = per_client;
    rl->burst = client_burst < 1 ? 1 : client_burst;
    rl->total_rate = total;
    rl->total_burst = total_burst < 1 ? 1 : total_burst;
    rl->total.tokens = rl->total_burst;
    return rl;
}

void vt_ratelimit_free(vt_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->lock);
    vt_free(rl->slots);
    vt_free(rl);
}

static uint64_t hash_addr(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void refill(bucket *b, double rate, double burst, int64_t now_ms)
{
    if (now_ms > b->last_ms) {
        b->tokens += (double)(now_ms - b->last_ms) / 1000.0 * rate;
        if (b->tokens > burst)
            b->tokens = burst;
    }
    b->last_ms = now_ms;
}

/* The bucket of `addr`: found, a free slot, or the stalest slot reused. */
static bucket *find_bucket(vt_ratelimit *rl, const char *addr, int64_t now_ms)
{
    uint64_t h = hash_addr(addr);
    bucket *stalest = NULL;
    size_t i;

    for (i = 0; i < RL_PROBE; i++) {
        bucket *b = &rl->slots[(h + i) % RL_SLOTS];

        if (strcmp(b->addr, addr) == 0)
            return b;
        if (!b->addr[0] || !stalest || b->last_ms < stalest->last_ms)
            stalest = b;
        if (!b->addr[0])
            break;
    }
    snprintf(stalest->addr, sizeof(stalest->addr), "%s", addr);
    stalest->tokens = rl->burst;
    stalest->last_ms = now_ms;
    return stalest;
}

/* Seconds until bucket `b` holds one token again (at least 1). */
static int wait_seconds(const bucket *b, double rate)
{
    double s = rate > 0 ? (1.0 - b->tokens) / rate : 3600;

    return s < 1 ? 1 : (int)ceil(s);
}

bool vt_ratelimit_take(vt_ratelimit *rl, const char *addr, int64_t now_ms, int *retry_after_s)
{
    bucket *b;
    bool ok = false;

    pthread_mutex_lock(&rl->lock);
    b = find_bucket(rl, addr, now_ms);
    refill(b, rl->rate, rl->burst, now_ms);
    refill(&rl->total, rl->total_rate, rl->total_burst, now_ms);
    if (b->tokens < 1) {
        *retry_after_s = wait_seconds(b, rl->rate);
    } else if (rl->total.tokens < 1) {
        *retry_after_s = wait_seconds(&rl->total, rl->total_rate);
    } else {
        b->tokens -= 1;
        rl->total.tokens -= 1;
        ok = true;
    }
    pthread_mutex_unlock(&rl->lock);
    return ok;
}
