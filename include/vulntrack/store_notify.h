/*
 * store_notify.h - the store's side of notifications that outbox.c needs
 * beyond outbox.h: plain row writes, no rules. Functions that write run in
 * the caller's transaction.
 */
#ifndef VULNTRACK_STORE_NOTIFY_H
#define VULNTRACK_STORE_NOTIFY_H

#include "common.h"
#include "outbox.h"
#include "store.h"

/** Insert message `m` as pending, due at `now_ms`. Returns 0 or VT_EIO. */
VT_EXTERN int vt__outbox_insert(vt_store *w, const vt_outbox_msg *m, const char *message_id,
                                int64_t now_ms, vt_error *err);

/** State delivered at `at_ms` unless it already is; *first (may be NULL): it was not. */
VT_EXTERN int vt__outbox_set_delivered(vt_store *w, int64_t id, int64_t at_ms, bool *first,
                                       vt_error *err);

/** After a failed attempt: `attempts`, pending at `next_ms` or dead. 0, VT_ENOTFOUND, VT_EIO. */
VT_EXTERN int vt__outbox_set_failed(vt_store *w, int64_t id, const char *error_text, int attempts,
                                    bool dead, int64_t next_ms, vt_error *err);

#endif
