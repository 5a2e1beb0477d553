/*
 * ledger.c - appending to the receipt ledger, listing it, and the rules of
 * retention and purge. The canonical encodings are in ledger_canon.c, the
 * signing key and checkpoints in ledger_sign.c, verification in
 * ledger_verify.c and the export for third parties in ledger_export.c.
 */
#include <inttypes.h>
#include <string.h>

#include <sodium.h>

#include "domain/ledger_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/json.h"
#include "vulntrack/store_ledger.h"

/* A text field of an entry: present, bounded, UTF-8, no control characters
 * (they would make the entry ambiguous to read, not to hash). */
static int ledger_check_field(const char *v, const char *field, vt_error *err)
{
    size_t len;

    if (!v || !*v)
        return vt_error_set_field(err, VT_EINVALID, field, "ledger entry: %s is missing",
                                  field + 1);
    len = strlen(v);
    if (len > VT_LEDGER_FIELD_MAX)
        return vt_error_set_field(err, VT_ETOOBIG, field,
                                  "ledger entry: %s is longer than %d bytes", field + 1,
                                  VT_LEDGER_FIELD_MAX);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];

        if (c < 0x20 || c == 0x7f)
            return vt_error_set_field(err, VT_EINVALID, field,
                                      "ledger entry: %s contains a control character",
                                      field + 1);
    }
    if (!vt__ledger_utf8_valid(v, len))
        return vt_error_set_field(err, VT_EINVALID, field, "ledger entry: %s is not UTF-8",
                                  field + 1);
    return 0;
}

/* The newest purge record, for the rare append that finds the entry table
 * empty after everything was purged: the chain goes on from its anchor. */
struct last_purge {
    bool found;
    int64_t last_seq;
    char anchor[VT__LEDGER_HEX];
};

static int last_purge_each(void *ctx, const vt_store_ledger_purge *p)
{
    struct last_purge *lp = ctx;

    lp->found = true;
    lp->last_seq = p->last_seq;
    snprintf(lp->anchor, sizeof(lp->anchor), "%s", p->anchor_hash);
    return 0;
}

/* Where the next entry goes: its seq and the hash it chains to. */
static int ledger_tip(vt_store *w, int64_t *next_seq, char prev[VT__LEDGER_HEX], vt_error *err)
{
    struct last_purge lp = {0};
    bool found;
    int64_t seq;
    int error = vt_store_ledger_last(w, &found, &seq, prev, err);

    if (error < 0)
        return error;
    if (found) {
        *next_seq = seq + 1;
        return 0;
    }
    error = vt_store_ledger_purge_each(w, last_purge_each, &lp, err);
    if (error < 0)
        return error;
    if (lp.found) {
        *next_seq = lp.last_seq + 1;
        memcpy(prev, lp.anchor, VT__LEDGER_HEX);
    } else {
        *next_seq = 1;
        memcpy(prev, VT_LEDGER_GENESIS_HASH, VT__LEDGER_HEX);
    }
    return 0;
}

int vt_ledger_append(vt_store *w, const vt_ledger_entry_in *in, vt_ledger_receipt *out,
                     vt_error *err)
{
    vt_buf detail = VT_BUF_INIT;
    unsigned char digest[crypto_hash_sha256_BYTES];
    uint8_t prev_raw[32];
    char content_hex[VT__LEDGER_HEX], prev[VT__LEDGER_HEX], hash[VT__LEDGER_HEX];
    vt_ledger_entry e;
    int error;

    if (out)
        memset(out, 0, sizeof(*out));
    error = ledger_check_field(in->kind, "/kind", err);
    if (error >= 0)
        error = ledger_check_field(in->channel, "/channel", err);
    if (error >= 0)
        error = ledger_check_field(in->actor, "/actor", err);
    if (error >= 0)
        error = ledger_check_field(in->subject, "/subject", err);
    if (error < 0)
        goto out;
    if (in->detail)
        error = vt__ledger_canon_detail(&detail, in->detail, strlen(in->detail), err);
    else
        error = vt_buf_puts(&detail, "{}");
    if (error < 0)
        goto out;
    crypto_hash_sha256(digest, (const unsigned char *)(in->content ? in->content : ""),
                       in->content ? in->content_len : 0);
    sodium_bin2hex(content_hex, sizeof(content_hex), digest, sizeof(digest));

    e.at_ms = in->at_ms ? in->at_ms : vt_clock_now_ms();
    error = ledger_tip(w, &e.seq, prev, err);
    if (error < 0)
        goto out;
    if (sodium_hex2bin(prev_raw, sizeof(prev_raw), prev, 64, NULL, NULL, NULL) != 0) {
        error = vt_error_set(err, VT_EINTERNAL, 0,
                             "ledger entry %" PRId64 " has a malformed entry_hash; "
                             "run `vulntrack ledger verify`",
                             e.seq - 1);
        goto out;
    }
    e.kind = in->kind;
    e.channel = in->channel;
    e.actor = in->actor;
    e.subject = in->subject;
    e.content_sha256 = content_hex;
    e.detail = detail.ptr;
    e.prev_hash = prev;
    vt__ledger_entry_hash(&e, prev_raw, hash);
    e.entry_hash = hash;
    error = vt_store_ledger_insert(w, &e, err);
    if (error < 0)
        goto out;
    if (out) {
        out->seq = e.seq;
        memcpy(out->entry_hash, hash, sizeof(out->entry_hash));
        out->at_ms = e.at_ms;
        vt_time_format_utc(out->received_at, e.at_ms);
    }
out:
    vt_buf_dispose(&detail);
    return error;
}

int vt_ledger_list(vt_store *s, int64_t after_seq, long limit,
                   int (*each)(void *ctx, const vt_ledger_entry *e), void *ctx, vt_error *err)
{
    return vt_store_ledger_each(s, after_seq, limit, each, ctx, err);
}

int vt_ledger_height(vt_store *s, int64_t *last_seq, vt_error *err)
{
    char hash[VT__LEDGER_HEX];
    bool found;
    int error = vt_store_ledger_last(s, &found, last_seq, hash, err);
    struct last_purge lp = {0};

    if (error < 0 || found)
        return error;
    /* Everything purged (only between a purge's delete and its entry):
     * the height is still that of the chain, not 0. */
    error = vt_store_ledger_purge_each(s, last_purge_each, &lp, err);
    if (error >= 0 && lp.found)
        *last_seq = lp.last_seq;
    return error;
}

int vt_ledger_checkpoints(vt_store *s, int (*each)(void *ctx, const vt_ledger_checkpoint_row *c),
                          void *ctx, vt_error *err)
{
    return vt_store_ledger_checkpoint_each(s, 0, each, ctx, err);
}

/* ------------------------------------------------------------------------ */
/* Retention and purge */

int vt_ledger_retention_check(int months, vt_error *err)
{
    if (months < VT_LEDGER_RETENTION_FLOOR_MONTHS)
        return vt_error_set(err, VT_EINVALID, 0,
                            "ledger retention of %d months is below the floor of %d months: "
                            "Art. 5 of the 2021 Regulations on the Management of Network Product "
                            "Security Vulnerabilities requires the logs to be kept at least 6 months",
                            months, VT_LEDGER_RETENTION_FLOOR_MONTHS);
    /* Far beyond any real setting; keeps the month arithmetic in range. */
    if (months > 12 * 1000)
        return vt_error_set(err, VT_EINVALID, 0, "ledger retention of %d months is out of range",
                            months);
    return 0;
}

/* Checkpointed seqs, loaded once for the purge scan. */
struct seq_list {
    int64_t *v;
    size_t n, cap;
    char (*hash)[VT__LEDGER_HEX];
};

static int seq_list_each(void *ctx, const vt_ledger_checkpoint_row *c)
{
    struct seq_list *l = ctx;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        int64_t *v = vt_realloc(l->v, cap * sizeof(*v));
        char(*h)[VT__LEDGER_HEX];

        if (!v)
            return VT_ENOMEM;
        l->v = v;
        h = vt_realloc(l->hash, cap * sizeof(*h));
        if (!h)
            return VT_ENOMEM;
        l->hash = h;
        l->cap = cap;
    }
    l->v[l->n] = c->seq;
    snprintf(l->hash[l->n], VT__LEDGER_HEX, "%s", c->entry_hash);
    l->n++;
    return 0;
}

/* The purge scan: walk entries from the oldest while each one is past its
 * retention, and remember the last of them that a checkpoint seals. */
struct purge_scan {
    int retention_months;
    int64_t now_ms;
    const struct seq_list *cps;
    size_t ci;
    int64_t first_seq;   /* first entry seen */
    int64_t cut_seq;     /* last purgeable checkpointed entry (0: none) */
    char cut_hash[VT__LEDGER_HEX];
    int64_t mismatch;    /* a checkpoint that does not match its entry */
};

#define PURGE_SCAN_STOP (-1000)

static int purge_scan_each(void *ctx, const vt_ledger_entry *e)
{
    struct purge_scan *ps = ctx;

    if (!ps->first_seq)
        ps->first_seq = e->seq;
    /* The law's rule is per entry: kept until its time + N months (month
     * arithmetic of §1); the floor is checked as well, whatever N is. */
    if (vt_add_months_ms(e->at_ms, ps->retention_months) > ps->now_ms ||
        vt_add_months_ms(e->at_ms, VT_LEDGER_RETENTION_FLOOR_MONTHS) > ps->now_ms)
        return PURGE_SCAN_STOP;
    while (ps->ci < ps->cps->n && ps->cps->v[ps->ci] < e->seq)
        ps->ci++;
    if (ps->ci < ps->cps->n && ps->cps->v[ps->ci] == e->seq) {
        if (strcmp(ps->cps->hash[ps->ci], e->entry_hash) != 0) {
            ps->mismatch = e->seq;
            return PURGE_SCAN_STOP;
        }
        ps->cut_seq = e->seq;
        snprintf(ps->cut_hash, sizeof(ps->cut_hash), "%s", e->entry_hash);
    }
    return 0;
}

int vt_ledger_purge(vt_store *w, int retention_months, int64_t now_ms, int64_t *purged,
                    vt_error *err)
{
    struct seq_list cps = {0};
    struct purge_scan ps = {0};
    vt_ledger_verify_result vr;
    vt_store_ledger_purge rec;
    vt_ledger_entry_in in = {0};
    char detail[VT__LEDGER_PURGE_PREFIX_MAX + 16];
    size_t n;
    int64_t deleted = 0;
    int error;

    if (purged)
        *purged = 0;
    error = vt_ledger_retention_check(retention_months, err);
    if (error < 0)
        return error;
    error = vt_store_ledger_checkpoint_each(w, 0, seq_list_each, &cps, err);
    if (error == VT_ENOMEM)
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory listing checkpoints");
    if (error < 0)
        goto out;
    ps.retention_months = retention_months;
    ps.now_ms = now_ms;
    ps.cps = &cps;
    error = vt_store_ledger_each(w, 0, 0, purge_scan_each, &ps, err);
    if (error == PURGE_SCAN_STOP)
        error = 0;
    if (error < 0)
        goto out;
    if (ps.mismatch) {
        error = vt_error_set(err, VT_EINVALID, 0,
                             "checkpoint %" PRId64 " does not match its entry; nothing purged",
                             ps.mismatch);
        goto out;
    }
    if (!ps.cut_seq)
        goto out;
    /* Never delete entries that do not verify: they may be the evidence of
     * what broke the chain. Only the segment that goes is checked, so the
     * daily purge does not rehash the whole ledger on the writer. */
    error = vt__ledger_verify_upto(w, ps.cut_seq, &vr, err);
    if (error < 0)
        goto out;
    if (!vr.intact) {
        error = vt_error_set(err, VT_EINVALID, 0,
                             "the ledger does not verify (entry %" PRId64 ": %s); nothing purged",
                             vr.bad_seq, vr.reason);
        goto out;
    }

    error = vt_store_ledger_delete(w, ps.first_seq, ps.cut_seq, &deleted, err);
    if (error >= 0)
        error = vt_store_ledger_checkpoint_delete_below(w, ps.cut_seq, err);
    if (error < 0)
        goto out;
    rec.id = 0;
    rec.at_ms = now_ms;
    rec.first_seq = ps.first_seq;
    rec.last_seq = ps.cut_seq;
    rec.count = deleted;
    rec.anchor_hash = ps.cut_hash;
    error = vt_store_ledger_purge_insert(w, &rec, NULL, err);
    if (error < 0)
        goto out;
    n = vt__ledger_purge_detail_prefix(detail, ps.first_seq, ps.cut_seq, deleted, ps.cut_hash);
    snprintf(detail + n, sizeof(detail) - n, "%d}", retention_months);
    in.kind = "ledger.purge";
    in.channel = "system";
    in.actor = "system";
    in.subject = "ledger";
    in.detail = detail;
    in.at_ms = now_ms;
    error = vt_ledger_append(w, &in, NULL, err);
    if (error >= 0 && purged)
        *purged = deleted;
out:
    vt_free(cps.v);
    vt_free(cps.hash);
    return error;
}

int vt_ledger_entry_json(const vt_ledger_entry *e, cJSON **out)
{
    char when[VT_TIME_TEXT_MAX];
    cJSON *o = cJSON_CreateObject();
    cJSON *detail = NULL;
    int error = o ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_num(o, "seq", (double)e->seq);
    if (error >= 0)
        error = vt_json_add_num(o, "at_ms", (double)e->at_ms);
    if (error >= 0)
        error = vt_json_add_str(o, "received_at", vt_time_format_utc(when, e->at_ms));
    if (error >= 0)
        error = vt_json_add_str(o, "kind", e->kind);
    if (error >= 0)
        error = vt_json_add_str(o, "channel", e->channel);
    if (error >= 0)
        error = vt_json_add_str(o, "actor", e->actor);
    if (error >= 0)
        error = vt_json_add_str(o, "subject", e->subject);
    if (error >= 0)
        error = vt_json_add_str(o, "content_sha256", e->content_sha256);
    /* The stored detail is canonical JSON text, shown parsed; a row whose
     * detail does not parse (edited behind the ledger) shows the text. */
    if (error >= 0) {
        error = vt_json_parse(&detail, e->detail, strlen(e->detail), NULL);
        if (error >= 0)
            error = vt_json_add_take(o, "detail", detail);
        else if (error != VT_ENOMEM)
            error = vt_json_add_str(o, "detail", e->detail);
    }
    if (error >= 0)
        error = vt_json_add_str(o, "prev_hash", e->prev_hash);
    if (error >= 0)
        error = vt_json_add_str(o, "entry_hash", e->entry_hash);
    if (error < 0) {
        cJSON_Delete(o);
        o = NULL;
    }
    *out = o;
    return error < 0 ? VT_ENOMEM : 0;
}
