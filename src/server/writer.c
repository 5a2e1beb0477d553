/*
 * writer.c - every write of the service goes through one thread with one
 * durable connection. Requests that arrive while a group is being
 * committed wait together and are committed in the next group: one fsync
 * for many acknowledgements (group commit), so durable intake is not
 * limited to one report per disk flush. Each job runs under its own
 * savepoint, so a job that fails undoes only its own changes.
 */
#include <stdio.h>
#include <string.h>

#include "server_internal.h"
#include "vulntrack/alloc.h"

/* Most jobs committed together; bounds the latency a group adds. */
#define WRITER_GROUP_MAX 256

typedef struct job {
    vt_write_fn fn;
    void *ctx;
    vt_error err;
    int result;
    bool done;
    struct job *next;
} job;

struct vt_writer {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t queued; /* a job arrived, or stop */
    pthread_cond_t done;   /* a group finished */
    job *head, *tail;
    bool stopping;
    vt_store *store;
    vt_writer_hook after_group;
    void *hook_ctx;
    uint64_t groups, jobs;
};

/* Run one group: BEGIN, each job under a savepoint, the hook, COMMIT. */
static void run_group(vt_writer *wr, job *first)
{
    vt_error err = VT_ERROR_INIT;
    job *j;
    int error = vt_store_begin(wr->store, &err);

    for (j = first; j; j = j->next) {
        if (error < 0) {
            j->result = error;
            j->err = err;
            continue;
        }
        vt_error_clear(&j->err);
        if (vt_store_savepoint(wr->store, &j->err) < 0) {
            j->result = j->err.code;
            continue;
        }
        j->result = j->fn(wr->store, j->ctx, &j->err);
        if (j->result < 0) {
            vt_error tmp = VT_ERROR_INIT;

            if (vt_store_savepoint_rollback(wr->store, &tmp) < 0)
                error = vt_error_set(&err, VT_EIO, 0, "cannot undo a failed write: %s", tmp.msg);
        } else if (vt_store_savepoint_release(wr->store, &j->err) < 0) {
            j->result = j->err.code;
        }
    }
    if (error == 0 && wr->after_group) {
        vt_error hook_err = VT_ERROR_INIT;

        if (vt_store_savepoint(wr->store, &hook_err) == 0) {
            if (wr->after_group(wr->store, wr->hook_ctx, &hook_err) < 0) {
                fprintf(stderr, "vulntrack serve: after-commit work failed: %s\n", hook_err.msg);
                vt_store_savepoint_rollback(wr->store, &hook_err);
            } else {
                vt_store_savepoint_release(wr->store, &hook_err);
            }
        }
    }
    if (error == 0)
        error = vt_store_commit(wr->store, &err);
    if (error < 0) {
        vt_store_rollback(wr->store);
        for (j = first; j; j = j->next) {
            if (j->result >= 0) {
                j->result = VT_EIO;
                vt_error_set(&j->err, VT_EIO, 0, "the write was not committed: %s", err.msg);
            }
        }
    }
}

static void *writer_main(void *arg)
{
    vt_writer *wr = arg;

    pthread_mutex_lock(&wr->lock);
    for (;;) {
        job *first, *j;
        size_t n = 0;

        while (!wr->head && !wr->stopping)
            pthread_cond_wait(&wr->queued, &wr->lock);
        if (!wr->head && wr->stopping)
            break;
        /* Take up to WRITER_GROUP_MAX jobs; later ones wait for the next group. */
        first = wr->head;
        for (j = first; j && n < WRITER_GROUP_MAX - 1 && j->next; j = j->next)
            n++;
        wr->head = j->next;
        if (!wr->head)
            wr->tail = NULL;
        j->next = NULL;
        pthread_mutex_unlock(&wr->lock);

        run_group(wr, first);

        pthread_mutex_lock(&wr->lock);
        wr->groups++;
        for (j = first; j; j = j->next) {
            j->done = true;
            wr->jobs++;
        }
        pthread_cond_broadcast(&wr->done);
    }
    pthread_mutex_unlock(&wr->lock);
    return NULL;
}

int vt_writer_start(vt_writer **out, const char *path, vt_writer_hook after_group,
                    void *hook_ctx, vt_error *err)
{
    vt_writer *wr = vt_calloc(1, sizeof(*wr));
    int error;

    if (!wr)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    error = vt_store_open(&wr->store, path, err);
    if (error == 0)
        error = vt_store_set_durable(wr->store, err);
    if (error < 0) {
        vt_store_close(wr->store);
        vt_free(wr);
        return error;
    }
    wr->after_group = after_group;
    wr->hook_ctx = hook_ctx;
    pthread_mutex_init(&wr->lock, NULL);
    pthread_cond_init(&wr->queued, NULL);
    pthread_cond_init(&wr->done, NULL);
    if (pthread_create(&wr->thread, NULL, writer_main, wr) != 0) {
        vt_store_close(wr->store);
        vt_free(wr);
        return vt_error_set(err, VT_EIO, 0, "cannot start the writer thread");
    }
    *out = wr;
    return 0;
}

int vt_writer_submit(vt_writer *wr, vt_write_fn fn, void *ctx, vt_error *err)
{
    job j;

    memset(&j, 0, sizeof(j));
    j.fn = fn;
    j.ctx = ctx;
    pthread_mutex_lock(&wr->lock);
    if (wr->stopping) {
        pthread_mutex_unlock(&wr->lock);
        return vt_error_set(err, VT_EIO, 0, "the server is shutting down");
    }
    if (wr->tail)
        wr->tail->next = &j;
    else
        wr->head = &j;
    wr->tail = &j;
    pthread_cond_signal(&wr->queued);
    while (!j.done)
        pthread_cond_wait(&wr->done, &wr->lock);
    pthread_mutex_unlock(&wr->lock);
    if (j.result < 0 && err)
        *err = j.err;
    return j.result;
}

void vt_writer_counts(vt_writer *wr, uint64_t *groups, uint64_t *jobs)
{
    pthread_mutex_lock(&wr->lock);
    *groups = wr->groups;
    *jobs = wr->jobs;
    pthread_mutex_unlock(&wr->lock);
}

void vt_writer_stop(vt_writer *wr)
{
    if (!wr)
        return;
    pthread_mutex_lock(&wr->lock);
    wr->stopping = true;
    pthread_cond_signal(&wr->queued);
    pthread_mutex_unlock(&wr->lock);
    pthread_join(wr->thread, NULL);
    vt_store_close(wr->store);
    pthread_mutex_destroy(&wr->lock);
    pthread_cond_destroy(&wr->queued);
    pthread_cond_destroy(&wr->done);
    vt_free(wr);
}
