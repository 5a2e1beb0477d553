/*
 * notify_worker.h - the delivery thread of the outbox (notify_worker.c):
 * started by vt_server_start after the pool, stopped before the writer.
 */
#ifndef VT_NOTIFY_WORKER_H
#define VT_NOTIFY_WORKER_H

#include "server.h"

/**
 * Put messages a crash left delivering back to pending, then start the
 * thread that delivers due messages. Returns 0, VT_EIO or VT_ENOMEM.
 */
int vt_notify_worker_start(vt_server *srv, vt_error *err);

/** Stop the thread after the delivery in progress (bounded by the timeout). Accepts none started.
 */
void vt_notify_worker_stop(vt_server *srv);

/** Look for due messages now instead of at the next poll (after an enqueue). */
void vt_notify_worker_wake(vt_server *srv);

#endif
