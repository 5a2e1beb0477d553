/*
 * ledger_verify.c - recomputing the ledger's chain. One walker checks what
 * it is fed in seq order, whether it comes from the database
 * (vt_ledger_verify, here) or from an export file (ledger_export.c), so the
 * two verifications cannot drift apart.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "domain/ledger_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/strparse.h"
#include "vulntrack/store_ledger.h"

void vt__ledger_walk_init(vt__ledger_walk *w, vt_ledger_verify_result *res,
                          const uint8_t *trusted_pk)
{
    memset(w, 0, sizeof(*w));
    memset(res, 0, sizeof(*res));
    res->intact = true;
    w->res = res;
    w->trusted_pk = trusted_pk;
}

void vt__ledger_walk_fail(vt__ledger_walk *w, int64_t seq, const char *fmt, ...)
{
    va_list ap;

    if (w->failed)
        return;
    w->failed = true;
    w->res->intact = false;
    w->res->bad_seq = seq;
    va_start(ap, fmt);
    vsnprintf(w->res->reason, sizeof(w->res->reason), fmt, ap);
    va_end(ap);
}

void vt__ledger_walk_purge(vt__ledger_walk *w, int64_t first_seq, int64_t last_seq,
                           int64_t count, const char *anchor_hash)
{
    /* Purges cut consecutive prefixes: each starts where the last ended. */
    int64_t expect = w->purges ? w->purge_last + 1 : 1;

    if (first_seq != expect || last_seq < first_seq || count != last_seq - first_seq + 1)
        vt__ledger_walk_fail(w, first_seq,
                             "purge record of entries %" PRId64 "..%" PRId64
                             " does not follow the previous one (expected to start at %" PRId64
                             " and count every entry)",
                             first_seq, last_seq, expect);
    if (!vt__ledger_is_hash_hex(anchor_hash))
        vt__ledger_walk_fail(w, last_seq, "purge record of entries %" PRId64 "..%" PRId64
                             " has a malformed anchor hash", first_seq, last_seq);
    w->purges++;
    w->purge_first = first_seq;
    w->purge_last = last_seq;
    w->purge_count = count;
    snprintf(w->purge_anchor, sizeof(w->purge_anchor), "%s", anchor_hash);
    w->anchor_ok = false;
    w->purge_recorded = false;
}

/*
 * Does this "ledger.purge" entry describe the newest purge record? Its
 * detail is canonical, so the text is compared, without parsing (and
 * without an allocation that could fail and read as a mismatch).
 */
static void walk_match_purge(vt__ledger_walk *w, const vt_ledger_entry *e)
{
    char prefix[VT__LEDGER_PURGE_PREFIX_MAX];
    size_t n = vt__ledger_purge_detail_prefix(prefix, w->purge_first, w->purge_last,
                                              w->purge_count, w->purge_anchor);
    const char *p = e->detail + n;

    if (strncmp(e->detail, prefix, n) != 0)
        return;
    if (!vt_is_digit((unsigned char)*p))
        return;
    while (vt_is_digit((unsigned char)*p))
        p++;
    if (strcmp(p, "}") == 0)
        w->purge_recorded = true;
}

int vt__ledger_walk_entry(vt__ledger_walk *w, const vt_ledger_entry *e)
{
    vt_ledger_verify_result *res = w->res;
    uint8_t prev_raw[32];
    char hash[VT__LEDGER_HEX];

    res->entries++;
    if (!w->started) {
        res->first_seq = e->seq;
    }
    res->last_seq = e->seq;
    if (w->failed) {
        w->started = true;
        w->last_seq = e->seq;
        return 0;
    }
    if (!w->started) {
        const char *expect_prev = w->purges ? w->purge_anchor : VT_LEDGER_GENESIS_HASH;
        int64_t expect_seq = w->purges ? w->purge_last + 1 : 1;

        w->started = true;
        if (e->seq != expect_seq) {
            if (w->purges)
                vt__ledger_walk_fail(w, e->seq,
                                     "first entry is %" PRId64 " but the last purge ended at "
                                     "%" PRId64 ": entries are missing",
                                     e->seq, w->purge_last);
            else
                vt__ledger_walk_fail(w, e->seq,
                                     "first entry is %" PRId64 " and no purge record or "
                                     "checkpoint anchors it: entries 1..%" PRId64 " are missing",
                                     e->seq, e->seq - 1);
            goto done;
        }
        if (strcmp(e->prev_hash, expect_prev) != 0) {
            vt__ledger_walk_fail(w, e->seq,
                                 w->purges ? "prev_hash differs from the anchor of the purge "
                                             "record"
                                           : "prev_hash of the first entry is not the genesis "
                                             "hash (64 zeros)");
            goto done;
        }
        if (w->purges && !w->anchor_ok) {
            vt__ledger_walk_fail(w, e->seq,
                                 "first entry after the purge of %" PRId64 "..%" PRId64
                                 " is not anchored by a valid checkpoint of entry %" PRId64,
                                 w->purge_first, w->purge_last, w->purge_last);
            goto done;
        }
    } else {
        if (e->seq != w->last_seq + 1) {
            if (e->seq <= w->last_seq)
                vt__ledger_walk_fail(w, e->seq,
                                     "entry %" PRId64 " follows entry %" PRId64 ": out of order",
                                     e->seq, w->last_seq);
            else
                vt__ledger_walk_fail(w, w->last_seq + 1,
                                     "entry %" PRId64 " is missing: entry %" PRId64
                                     " is followed by %" PRId64,
                                     w->last_seq + 1, w->last_seq, e->seq);
            goto done;
        }
        if (strcmp(e->prev_hash, w->last_hash) != 0) {
            vt__ledger_walk_fail(w, e->seq,
                                 "prev_hash differs from the entry_hash of entry %" PRId64,
                                 w->last_seq);
            goto done;
        }
    }
    if (sodium_hex2bin(prev_raw, sizeof(prev_raw), e->prev_hash, strlen(e->prev_hash), NULL,
                       NULL, NULL) != 0 ||
        !vt__ledger_is_hash_hex(e->prev_hash)) {
        vt__ledger_walk_fail(w, e->seq, "prev_hash is not 64 lower-case hex digits");
        goto done;
    }
    vt__ledger_entry_hash(e, prev_raw, hash);
    if (strcmp(hash, e->entry_hash) != 0) {
        vt__ledger_walk_fail(w, e->seq,
                             "entry_hash does not match the entry's content (recomputed %.16s...)",
                             hash);
        goto done;
    }
    if (w->purges && !w->purge_recorded && strcmp(e->kind, "ledger.purge") == 0)
        walk_match_purge(w, e);
done:
    w->last_seq = e->seq;
    snprintf(w->last_hash, sizeof(w->last_hash), "%s", e->entry_hash);
    return 0;
}

/* Check a checkpoint's signature with the trusted key, or the one it names. */
static bool walk_signature_ok(vt__ledger_walk *w, const vt_ledger_checkpoint_row *c,
                              const char **why)
{
    uint8_t pk[32], sig[crypto_sign_BYTES];
    char text[VT__LEDGER_CHECKPOINT_TEXT_MAX];
    size_t len, bin_len = 0;

    *why = "malformed public key";
    if (strlen(c->public_key) != 64 ||
        sodium_hex2bin(pk, sizeof(pk), c->public_key, 64, NULL, &bin_len, NULL) != 0 ||
        bin_len != 32)
        return false;
    if (w->trusted_pk && sodium_memcmp(pk, w->trusted_pk, 32) != 0) {
        *why = "signed by another key than the trusted one";
        return false;
    }
    *why = "malformed signature";
    if (strlen(c->signature) != 2 * crypto_sign_BYTES ||
        sodium_hex2bin(sig, sizeof(sig), c->signature, 2 * crypto_sign_BYTES, NULL, &bin_len,
                       NULL) != 0 ||
        bin_len != crypto_sign_BYTES)
        return false;
    *why = "bad signature";
    if (!vt__ledger_is_hash_hex(c->entry_hash))
        return false;
    len = vt__ledger_checkpoint_text(text, c->seq, c->entry_hash, c->signed_ms);
    return crypto_sign_verify_detached(sig, (const unsigned char *)text, len, pk) == 0;
}

void vt__ledger_walk_checkpoint(vt__ledger_walk *w, const vt_ledger_checkpoint_row *c)
{
    vt_ledger_verify_result *res = w->res;
    const char *why;

    if (w->failed)
        return;
    if (!walk_signature_ok(w, c, &why)) {
        vt__ledger_walk_fail(w, c->seq, "checkpoint of entry %" PRId64 ": %s", c->seq, why);
        return;
    }
    if (!w->started) {
        /* Before the first entry: only the anchor of the newest purge (or
         * an older sealed entry that was purged) may be sealed. */
        if (!w->purges || c->seq > w->purge_last) {
            vt__ledger_walk_fail(w, c->seq,
                                 "checkpoint seals entry %" PRId64 ", which is missing", c->seq);
            return;
        }
        if (c->seq == w->purge_last) {
            if (strcmp(c->entry_hash, w->purge_anchor) != 0) {
                vt__ledger_walk_fail(w, c->seq,
                                     "checkpoint hash differs from the purge record's anchor");
                return;
            }
            w->anchor_ok = true;
        }
    } else if (c->seq != w->last_seq) {
        vt__ledger_walk_fail(w, c->seq, "checkpoint seals entry %" PRId64 ", which is missing",
                             c->seq);
        return;
    } else if (strcmp(c->entry_hash, w->last_hash) != 0) {
        vt__ledger_walk_fail(w, c->seq, "checkpoint hash differs from the entry's entry_hash");
        return;
    }
    res->checkpoints++;
    if (c->seq > res->last_checkpoint_seq)
        res->last_checkpoint_seq = c->seq;
}

void vt__ledger_walk_finish(vt__ledger_walk *w)
{
    vt_ledger_verify_result *res = w->res;

    if (!w->failed && w->purges && !w->started)
        vt__ledger_walk_fail(w, w->purge_last + 1,
                             "entries after the purge of %" PRId64 "..%" PRId64 " are missing",
                             w->purge_first, w->purge_last);
    if (!w->failed && w->purges && !w->purge_recorded)
        vt__ledger_walk_fail(w, res->first_seq,
                             "no ledger.purge entry records the purge of %" PRId64 "..%" PRId64,
                             w->purge_first, w->purge_last);
    if (res->entries > 0)
        res->unsealed = res->last_seq - (res->last_checkpoint_seq > res->first_seq - 1
                                             ? res->last_checkpoint_seq
                                             : res->first_seq - 1);
}

/* ------------------------------------------------------------------------ */
/* The database */


static char *dup_or_null(const char *s, bool *oom)
{
    char *d = vt_strdup(s);

    if (!d)
        *oom = true;
    return d;
}

static int cps_each(void *ctx, const vt_ledger_checkpoint_row *c)
{
    vt__ledger_cps *a = ctx;
    vt_ledger_checkpoint_row *r;
    bool oom = false;

    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        vt_ledger_checkpoint_row *v = vt_realloc(a->v, cap * sizeof(*v));

        if (!v)
            return VT_ENOMEM;
        a->v = v;
        a->cap = cap;
    }
    r = &a->v[a->n];
    r->seq = c->seq;
    r->signed_ms = c->signed_ms;
    r->entry_hash = dup_or_null(c->entry_hash, &oom);
    r->public_key = dup_or_null(c->public_key, &oom);
    r->signature = dup_or_null(c->signature, &oom);
    a->n++;
    return oom ? VT_ENOMEM : 0;
}

void vt__ledger_cps_dispose(vt__ledger_cps *a)
{
    for (size_t i = 0; i < a->n; i++) {
        vt_free((char *)a->v[i].entry_hash);
        vt_free((char *)a->v[i].public_key);
        vt_free((char *)a->v[i].signature);
    }
    vt_free(a->v);
    memset(a, 0, sizeof(*a));
}

int vt__ledger_cps_load(vt_store *s, vt__ledger_cps *out, vt_error *err)
{
    int error = vt_store_ledger_checkpoint_each(s, 0, cps_each, out, err);

    if (error == VT_ENOMEM)
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory reading the checkpoints");
    return error;
}

struct db_walk {
    vt__ledger_walk walk;
    vt__ledger_cps cps;
    int64_t upto; /* 0: the whole chain; else stop after this seq */
};

/* Private code that stops the entry walk at `upto`. */
#define DB_WALK_STOP (-1001)

/* Feed the checkpoints with seq below `seq` (before that entry). */
static void db_walk_checkpoints_below(struct db_walk *dw, int64_t seq)
{
    while (dw->cps.next < dw->cps.n && dw->cps.v[dw->cps.next].seq < seq)
        vt__ledger_walk_checkpoint(&dw->walk, &dw->cps.v[dw->cps.next++]);
}

static int db_walk_entry(void *ctx, const vt_ledger_entry *e)
{
    struct db_walk *dw = ctx;
    int error;

    if (dw->upto && e->seq > dw->upto)
        return DB_WALK_STOP;
    db_walk_checkpoints_below(dw, e->seq);
    error = vt__ledger_walk_entry(&dw->walk, e);
    if (error < 0)
        return error;
    if (dw->cps.next < dw->cps.n && dw->cps.v[dw->cps.next].seq == e->seq)
        vt__ledger_walk_checkpoint(&dw->walk, &dw->cps.v[dw->cps.next++]);
    return 0;
}

static int db_walk_purge(void *ctx, const vt_store_ledger_purge *p)
{
    struct db_walk *dw = ctx;

    vt__ledger_walk_purge(&dw->walk, p->first_seq, p->last_seq, p->count, p->anchor_hash);
    return 0;
}

/* Verify the chain of `s`; with `upto` > 0 only its entries up to that seq
 * (and the checkpoints up to it), without the end-of-chain checks. */
static int verify_db(vt_store *s, const uint8_t *trusted_public_key, int64_t upto,
                     vt_ledger_verify_result *res, vt_error *err)
{
    struct db_walk dw;
    int error;

    memset(&dw, 0, sizeof(dw));
    dw.upto = upto;
    vt__ledger_walk_init(&dw.walk, res, trusted_public_key);
    if (sodium_init() < 0)
        return vt_error_set(err, VT_EINTERNAL, 0, "libsodium could not be initialised");
    error = vt_store_read_begin(s, err);
    if (error < 0)
        return error;
    error = vt_store_ledger_purge_each(s, db_walk_purge, &dw, err);
    if (error >= 0)
        error = vt__ledger_cps_load(s, &dw.cps, err);
    if (error >= 0)
        error = vt_store_ledger_each(s, 0, 0, db_walk_entry, &dw, err);
    if (error == DB_WALK_STOP)
        error = 0;
    if (error >= 0 && upto) {
        db_walk_checkpoints_below(&dw, upto + 1);
    } else if (error >= 0) {
        /* Checkpoints past the last entry seal entries that are gone. */
        db_walk_checkpoints_below(&dw, INT64_MAX);
        vt__ledger_walk_finish(&dw.walk);
    }
    vt_store_read_end(s);
    vt__ledger_cps_dispose(&dw.cps);
    if (error == VT_ENOMEM)
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory verifying the ledger");
    return error;
}

int vt_ledger_verify(vt_store *s, const uint8_t *trusted_public_key, vt_ledger_verify_result *res,
                     vt_error *err)
{
    return verify_db(s, trusted_public_key, 0, res, err);
}

int vt__ledger_verify_upto(vt_store *s, int64_t upto, vt_ledger_verify_result *res,
                           vt_error *err)
{
    assert(upto > 0);
    return verify_db(s, NULL, upto, res, err);
}
