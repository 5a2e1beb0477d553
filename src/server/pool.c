/*
 * pool.c - read connections for request handlers. SQLite connections are
 * not shared between threads here; with WAL, each reader sees a consistent
 * snapshot beside the one writer. Connections are opened on first need, so
 * an idle server holds one or two.
 */
#include <string.h>

#include "server_internal.h"
#include "vulntrack/alloc.h"

/*
 * Page cache of each pooled connection. Requests look records up by key, so
 * a small cache costs them little, and SQLite's default (2 MB a connection,
 * kept while the connection sits idle in the pool) made up most of an idle
 * server's memory after a load.
 */
#define POOL_CACHE_KIB 256

struct vt_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    char *path;
    unsigned size;   /* most connections ever open */
    unsigned opened; /* connections open now */
    vt_store **idle; /* stack of idle connections */
    unsigned nidle;
};

int vt_pool_new(vt_pool **out, const char *path, unsigned size, vt_error *err)
{
    vt_pool *p = vt_calloc(1, sizeof(*p));

    if (!p || !(p->idle = vt_calloc(size ? size : 1, sizeof(*p->idle))) ||
        !(p->path = vt_strdup(path))) {
        if (p)
            vt_free(p->idle);
        vt_free(p);
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    }
    p->size = size ? size : 1;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    *out = p;
    return 0;
}

int vt_pool_take(vt_pool *p, vt_store **out, vt_error *err)
{
    int error;

    pthread_mutex_lock(&p->lock);
    while (p->nidle == 0 && p->opened >= p->size)
        pthread_cond_wait(&p->freed, &p->lock);
    if (p->nidle > 0) {
        *out = p->idle[--p->nidle];
        pthread_mutex_unlock(&p->lock);
        return 0;
    }
    p->opened++;
    pthread_mutex_unlock(&p->lock);
    /* Opened outside the lock: opening reads the schema, which takes a while. */
    *out = NULL;
    error = vt_store_open(out, p->path, err);
    if (error == 0)
        error = vt_store_set_cache_kib(*out, POOL_CACHE_KIB, err);
    if (error < 0) {
        vt_store_close(*out);
        *out = NULL;
        pthread_mutex_lock(&p->lock);
        p->opened--;
        pthread_cond_signal(&p->freed);
        pthread_mutex_unlock(&p->lock);
    }
    return error;
}

void vt_pool_give(vt_pool *p, vt_store *s)
{
    if (!s)
        return;
    /* A handler that failed half-way may leave a read snapshot open. */
    vt_store_rollback(s);
    pthread_mutex_lock(&p->lock);
    p->idle[p->nidle++] = s;
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

void vt_pool_free(vt_pool *p)
{
    unsigned i;

    if (!p)
        return;
    for (i = 0; i < p->nidle; i++)
        vt_store_close(p->idle[i]);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->freed);
    vt_free(p->idle);
    vt_free(p->path);
    vt_free(p);
}
