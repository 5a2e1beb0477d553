/*
 * sqlite_ledger.c - the SQLite rows of the receipt ledger (store_ledger.h).
 *
 * Only SQL lives here: the domain (src/domain/ledger.c) decides what is
 * written and checks every hash and signature. Statements are string
 * constants so that vt__store_prepare caches them per connection.
 */
#include <assert.h>
#include <string.h>

#include "store_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/store_ledger.h"

static int ledger_bind_text(sqlite3_stmt *st, int i, const char *v)
{
    return sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : VT_ENOMEM;
}

int vt_store_ledger_last(vt_store *s, bool *found, int64_t *seq, char hash[65], vt_error *err)
{
    static const char sql[] = "SELECT seq, entry_hash FROM ledger ORDER BY seq DESC LIMIT 1";
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql, &st, err);
    int rc;

    *found = false;
    *seq = 0;
    hash[0] = '\0';
    if (error < 0)
        return error;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *h = vt__store_col_text_or_empty(st, 1);
        size_t n = strlen(h);

        *found = true;
        *seq = sqlite3_column_int64(st, 0);
        if (n > 64)
            n = 64;
        memcpy(hash, h, n);
        hash[n] = '\0';
    } else if (rc != SQLITE_DONE) {
        error = vt__store_fail(s, err, "reading the ledger");
    }
    sqlite3_reset(st);
    return error;
}

int vt_store_ledger_bounds(vt_store *s, int64_t *count, int64_t *first_seq, int64_t *last_seq,
                           vt_error *err)
{
    static const char sql[] = "SELECT count(*), coalesce(min(seq), 0), coalesce(max(seq), 0) "
                              "FROM ledger";
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql, &st, err);

    *count = *first_seq = *last_seq = 0;
    if (error < 0)
        return error;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *count = sqlite3_column_int64(st, 0);
        *first_seq = sqlite3_column_int64(st, 1);
        *last_seq = sqlite3_column_int64(st, 2);
    } else {
        error = vt__store_fail(s, err, "counting the ledger");
    }
    sqlite3_reset(st);
    return error;
}

int vt_store_ledger_at(vt_store *s, int64_t seq, bool *found, int64_t *at_ms, vt_error *err)
{
    static const char sql[] = "SELECT at_ms FROM ledger WHERE seq = ?1";
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql, &st, err);
    int rc;

    *found = false;
    *at_ms = 0;
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, seq);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *found = true;
        *at_ms = sqlite3_column_int64(st, 0);
    } else if (rc != SQLITE_DONE) {
        error = vt__store_fail(s, err, "reading a ledger entry");
    }
    sqlite3_reset(st);
    return error;
}

int vt_store_ledger_insert(vt_store *w, const vt_ledger_entry *e, vt_error *err)
{
    static const char sql[] =
        "INSERT INTO ledger (seq, at_ms, kind, channel, actor, subject, content_sha256, detail, "
        "prev_hash, entry_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, e->seq);
    sqlite3_bind_int64(st, 2, e->at_ms);
    if (ledger_bind_text(st, 3, e->kind) < 0 || ledger_bind_text(st, 4, e->channel) < 0 ||
        ledger_bind_text(st, 5, e->actor) < 0 || ledger_bind_text(st, 6, e->subject) < 0 ||
        ledger_bind_text(st, 7, e->content_sha256) < 0 || ledger_bind_text(st, 8, e->detail) < 0 ||
        ledger_bind_text(st, 9, e->prev_hash) < 0 || ledger_bind_text(st, 10, e->entry_hash) < 0) {
        sqlite3_reset(st);
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory binding a ledger entry");
    }
    return vt__store_step_done(w, st, err, "appending to the ledger");
}

int vt_store_ledger_each(vt_store *s, int64_t after_seq, long limit,
                         int (*each)(void *ctx, const vt_ledger_entry *e), void *ctx,
                         vt_error *err)
{
    static const char sql[] =
        "SELECT seq, at_ms, kind, channel, actor, subject, content_sha256, detail, prev_hash, "
        "entry_hash FROM ledger WHERE seq > ?1 ORDER BY seq LIMIT ?2";
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql, &st, err);
    int rc;

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, after_seq);
    sqlite3_bind_int64(st, 2, limit > 0 ? (sqlite3_int64)limit : -1);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        vt_ledger_entry e;

        e.seq = sqlite3_column_int64(st, 0);
        e.at_ms = sqlite3_column_int64(st, 1);
        e.kind = vt__store_col_text_or_empty(st, 2);
        e.channel = vt__store_col_text_or_empty(st, 3);
        e.actor = vt__store_col_text_or_empty(st, 4);
        e.subject = vt__store_col_text_or_empty(st, 5);
        e.content_sha256 = vt__store_col_text_or_empty(st, 6);
        e.detail = vt__store_col_text_or_empty(st, 7);
        e.prev_hash = vt__store_col_text_or_empty(st, 8);
        e.entry_hash = vt__store_col_text_or_empty(st, 9);
        error = each(ctx, &e);
        if (error < 0)
            break;
    }
    if (error >= 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "reading the ledger");
    sqlite3_reset(st);
    return error;
}

int vt_store_ledger_delete(vt_store *w, int64_t first_seq, int64_t last_seq, int64_t *deleted,
                           vt_error *err)
{
    static const char sql[] = "DELETE FROM ledger WHERE seq BETWEEN ?1 AND ?2";
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql, &st, err);

    *deleted = 0;
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, first_seq);
    sqlite3_bind_int64(st, 2, last_seq);
    error = vt__store_step_done(w, st, err, "purging ledger entries");
    if (error >= 0)
        *deleted = sqlite3_changes64(vt__store_db(w));
    return error;
}

int vt_store_ledger_checkpoint_last(vt_store *s, bool *found, int64_t *seq, int64_t *signed_ms,
                                    vt_error *err)
{
    static const char sql[] =
        "SELECT seq, signed_ms FROM ledger_checkpoints ORDER BY seq DESC LIMIT 1";
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql, &st, err);
    int rc;

    *found = false;
    *seq = *signed_ms = 0;
    if (error < 0)
        return error;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *found = true;
        *seq = sqlite3_column_int64(st, 0);
        *signed_ms = sqlite3_column_int64(st, 1);
    } else if (rc != SQLITE_DONE) {
        error = vt__store_fail(s, err, "reading the ledger checkpoints");
    }
    sqlite3_reset(st);
    return error;
}

int vt_store_ledger_checkpoint_exists(vt_store *s, int64_t seq, bool *found, vt_error *err)
{
    static const char sql[] = "SELECT 1 FROM ledger_checkpoints WHERE seq = ?1";
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql, &st, err);
    int rc;

    *found = false;
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, seq);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *found = true;
    else if (rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "reading the ledger checkpoints");
    sqlite3_reset(st);
    return error;
}

int vt_store_ledger_checkpoint_insert(vt_store *w, const vt_ledger_checkpoint_row *c,
                                      vt_error *err)
{
    static const char sql[] = "INSERT INTO ledger_checkpoints (seq, entry_hash, signed_ms, "
                              "public_key, signature) VALUES (?1, ?2, ?3, ?4, ?5)";
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, c->seq);
    sqlite3_bind_int64(st, 3, c->signed_ms);
    if (ledger_bind_text(st, 2, c->entry_hash) < 0 || ledger_bind_text(st, 4, c->public_key) < 0 ||
        ledger_bind_text(st, 5, c->signature) < 0) {
        sqlite3_reset(st);
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory binding a checkpoint");
    }
    return vt__store_step_done(w, st, err, "recording a ledger checkpoint");
}

int vt_store_ledger_checkpoint_each(vt_store *s, int64_t after_seq,
                                    int (*each)(void *ctx, const vt_ledger_checkpoint_row *c),
                                    void *ctx, vt_error *err)
{
    static const char sql[] = "SELECT seq, entry_hash, signed_ms, public_key, signature "
                              "FROM ledger_checkpoints WHERE seq > ?1 ORDER BY seq";
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql, &st, err);
    int rc;

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, after_seq);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        vt_ledger_checkpoint_row c;

        c.seq = sqlite3_column_int64(st, 0);
        c.entry_hash = vt__store_col_text_or_empty(st, 1);
        c.signed_ms = sqlite3_column_int64(st, 2);
        c.public_key = vt__store_col_text_or_empty(st, 3);
        c.signature = vt__store_col_text_or_empty(st, 4);
        error = each(ctx, &c);
        if (error < 0)
            break;
    }
    if (error >= 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "reading the ledger checkpoints");
    sqlite3_reset(st);
    return error;
}

int vt_store_ledger_checkpoint_delete_below(vt_store *w, int64_t below, vt_error *err)
{
    static const char sql[] = "DELETE FROM ledger_checkpoints WHERE seq < ?1";
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, below);
    return vt__store_step_done(w, st, err, "purging ledger checkpoints");
}

int vt_store_ledger_purge_insert(vt_store *w, const vt_store_ledger_purge *p, int64_t *id,
                                 vt_error *err)
{
    static const char sql[] = "INSERT INTO ledger_purges (at_ms, first_seq, last_seq, count, "
                              "anchor_hash) VALUES (?1, ?2, ?3, ?4, ?5)";
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, p->at_ms);
    sqlite3_bind_int64(st, 2, p->first_seq);
    sqlite3_bind_int64(st, 3, p->last_seq);
    sqlite3_bind_int64(st, 4, p->count);
    if (ledger_bind_text(st, 5, p->anchor_hash) < 0) {
        sqlite3_reset(st);
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory binding a purge record");
    }
    error = vt__store_step_done(w, st, err, "recording a ledger purge");
    if (error >= 0 && id)
        *id = sqlite3_last_insert_rowid(vt__store_db(w));
    return error;
}

int vt_store_ledger_purge_each(vt_store *s, int (*each)(void *ctx, const vt_store_ledger_purge *p),
                               void *ctx, vt_error *err)
{
    static const char sql[] = "SELECT id, at_ms, first_seq, last_seq, count, anchor_hash "
                              "FROM ledger_purges ORDER BY id";
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql, &st, err);
    int rc;

    if (error < 0)
        return error;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        vt_store_ledger_purge p;

        p.id = sqlite3_column_int64(st, 0);
        p.at_ms = sqlite3_column_int64(st, 1);
        p.first_seq = sqlite3_column_int64(st, 2);
        p.last_seq = sqlite3_column_int64(st, 3);
        p.count = sqlite3_column_int64(st, 4);
        p.anchor_hash = vt__store_col_text_or_empty(st, 5);
        error = each(ctx, &p);
        if (error < 0)
            break;
    }
    if (error >= 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "reading the ledger purges");
    sqlite3_reset(st);
    return error;
}

int vt_store_ledger_setting_put(vt_store *w, const char *key, const char *value, vt_error *err)
{
    static const char sql[] = "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql, &st, err);

    if (error < 0)
        return error;
    if (ledger_bind_text(st, 1, key) < 0 || ledger_bind_text(st, 2, value) < 0) {
        sqlite3_reset(st);
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory binding a setting");
    }
    return vt__store_step_done(w, st, err, "writing a setting");
}

int vt_store_ledger_setting_get(vt_store *s, const char *key, char **value, vt_error *err)
{
    static const char sql[] = "SELECT value FROM settings WHERE key = ?1";
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql, &st, err);
    int rc;

    *value = NULL;
    if (error < 0)
        return error;
    if (ledger_bind_text(st, 1, key) < 0) {
        sqlite3_reset(st);
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory binding a setting");
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *value = vt_strdup(vt__store_col_text_or_empty(st, 0));
        if (!*value)
            error = vt_error_set(err, VT_ENOMEM, 0, "out of memory reading a setting");
    } else if (rc != SQLITE_DONE) {
        error = vt__store_fail(s, err, "reading a setting");
    }
    sqlite3_reset(st);
    return error;
}
