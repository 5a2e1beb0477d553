/*
 * outbox.c - the rules of the outbox: a message id that never changes
 * (random, so two servers or a restored backup never reuse one), rule P7
 * before anything unpublished leaves for another country, the retry
 * schedule (exponential backoff with jitter, so that receivers that came
 * back are not hit by every sender at once) and the webhook signature.
 * The rows are written by src/store/sqlite_outbox.c.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "vulntrack/clock.h"
#include "vulntrack/contacts.h"
#include "vulntrack/gate.h"
#include "vulntrack/outbox.h"
#include "vulntrack/store_notify.h"

/* "vt-" and 32 hex digits of randomness. */
static void new_message_id(char out[VT_OUTBOX_ID_MAX])
{
    unsigned char rnd[16];
    char hex[sizeof(rnd) * 2 + 1];

    randombytes_buf(rnd, sizeof(rnd));
    sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
    snprintf(out, VT_OUTBOX_ID_MAX, "vt-%s", hex);
}

static int check_msg(const vt_outbox_msg *m, vt_error *err)
{
    if (!m->kind || !m->kind[0])
        return vt_error_set_field(err, VT_EINVALID, "/kind", "a message needs a kind");
    if (!m->subject || !m->subject[0])
        return vt_error_set_field(err, VT_EINVALID, "/subject", "a message needs a subject");
    if (!m->body_json || m->body_json[0] != '{')
        return vt_error_set_field(err, VT_EINVALID, "/body_json",
                                  "a message body is a JSON object");
    if (!m->body_text)
        return vt_error_set_field(err, VT_EINVALID, "/body_text",
                                  "a message needs a plain-text body");
    return 0;
}

static int enqueue(vt_store *w, const vt_outbox_msg *m, bool p7, char message_id[48], vt_error *err)
{
    vt_contact c = VT_CONTACT_INIT;
    vt_gate_result g;
    int error = check_msg(m, err);

    if (error < 0)
        return error;
    error = vt_contact_get(w, m->contact_id, &c, err);
    if (error < 0)
        goto out;
    if (c.disabled_ms) {
        error = vt_error_set_field(err, VT_EINVALID, "/contact", "contact %lld is disabled",
                                   (long long)c.id);
        goto out;
    }
    if (p7 && m->case_id) {
        memset(&g, 0, sizeof(g));
        error = vt_gate_check_share(w, m->case_id, c.country, c.is_product_provider, &g, err);
        if (error < 0)
            goto out;
        if (g.count > 0) {
            error = vt_error_set_field(
                err, VT_EINVALID, "/contact", "contact %lld (%s, %s): %s %s: %s", (long long)c.id,
                c.name, c.country, g.refusals[0].rule, g.refusals[0].code, g.refusals[0].message);
            goto out;
        }
    }
    new_message_id(message_id);
    error = vt__outbox_insert(w, m, message_id, vt_clock_now_ms(), err);
out:
    vt_contact_dispose(&c);
    return error;
}

int vt_outbox_enqueue(vt_store *w, const vt_outbox_msg *m, char message_id[48], vt_error *err)
{
    return enqueue(w, m, true, message_id, err);
}

int vt_outbox_enqueue_unchecked(vt_store *w, const vt_outbox_msg *m, char message_id[48],
                                vt_error *err)
{
    return enqueue(w, m, false, message_id, err);
}

int64_t vt_outbox_backoff_ms(const vt_outbox_policy *p, int attempts, uint32_t random)
{
    int64_t base = p->base_ms > 0 ? p->base_ms : 1, cap = p->cap_ms > 0 ? p->cap_ms : base;
    int64_t d = base, span, jitter;
    int i;

    /* Doubling stops at the cap, so the product never overflows. */
    for (i = 1; i < attempts && d < cap; i++)
        d = d > INT64_MAX / 2 ? cap : d * 2;
    if (d > cap)
        d = cap;
    /* Jitter: uniform in [-d/4, +d/4] from the random value. */
    span = d / 4;
    jitter = span ? (int64_t)(random % (uint64_t)(2 * span + 1)) - span : 0;
    d += jitter;
    return d < 1 ? 1 : d;
}

int vt_outbox_sign(char out[VT_OUTBOX_SIG_MAX], const char *secret, int64_t timestamp_s,
                   const char *body, size_t body_len, vt_error *err)
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char ts[32];
    int n;

    if (!secret || !secret[0])
        return vt_error_set(err, VT_EINVALID, 0, "a webhook signature needs a secret");
    n = snprintf(ts, sizeof(ts), "%lld.", (long long)timestamp_s);
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (unsigned long long)n);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, body_len);
    crypto_auth_hmacsha256_final(&st, mac);
    memcpy(out, "sha256=", 7);
    sodium_bin2hex(out + 7, VT_OUTBOX_SIG_MAX - 7, mac, sizeof(mac));
    sodium_memzero(&st, sizeof(st));
    return 0;
}

int vt_outbox_mark_delivered(vt_store *w, int64_t id, int64_t at_ms, bool *first, vt_error *err)
{
    return vt__outbox_set_delivered(w, id, at_ms, first, err);
}

int vt_outbox_mark_failed(vt_store *w, int64_t id, const char *error, int64_t now_ms,
                          const vt_outbox_policy *p, uint32_t random, bool *dead, vt_error *err)
{
    vt_outbox_record r = VT_OUTBOX_RECORD_INIT;
    int attempts, rc = vt_outbox_get(w, id, &r, err);
    bool is_dead;
    int64_t next;

    if (rc < 0)
        return rc;
    attempts = r.attempts + 1;
    vt_outbox_record_dispose(&r);
    is_dead = attempts >= (p->max_attempts > 0 ? p->max_attempts : 1);
    next = is_dead ? now_ms : now_ms + vt_outbox_backoff_ms(p, attempts, random);
    rc = vt__outbox_set_failed(w, id, error ? error : "failed", attempts, is_dead, next, err);
    if (rc == 0 && dead)
        *dead = is_dead;
    return rc;
}
