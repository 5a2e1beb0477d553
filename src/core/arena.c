/* arena.c - bump allocation in blocks from vt_malloc, freed together. */
#include <stdalign.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/arena.h"

struct vt__arena_block {
    vt__arena_block *next;
    size_t used, size;
    alignas(max_align_t) unsigned char data[];
};

#define ARENA_DEFAULT_BLOCK ((size_t)16 * 1024)

void *vt_arena_alloc(vt_arena *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    vt__arena_block *b = a->head;
    size_t want;
    void *p;

    if (n > SIZE_MAX / 2)
        return NULL;
    n = (n + align - 1) & ~(align - 1);
    if (n == 0)
        n = align;
    if (!b || b->size - b->used < n) {
        want = a->block_size ? a->block_size : ARENA_DEFAULT_BLOCK;
        /* An allocation larger than a block gets a block of its own. */
        if (want < n)
            want = n;
        b = vt_malloc(sizeof(*b) + want);
        if (!b)
            return NULL;
        b->size = want;
        b->used = 0;
        /* A large one-off block goes behind the current one, which keeps its room. */
        if (a->head && want == n && n > (a->block_size ? a->block_size : ARENA_DEFAULT_BLOCK)) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *vt_arena_strndup(vt_arena *a, const char *s, size_t len)
{
    char *copy;

    if (len == SIZE_MAX)
        return NULL;
    copy = vt_arena_alloc(a, len + 1);
    if (!copy)
        return NULL;
    if (len)
        memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *vt_arena_strdup(vt_arena *a, const char *s)
{
    return vt_arena_strndup(a, s, strlen(s));
}

void vt_arena_dispose(vt_arena *a)
{
    vt__arena_block *b, *next;

    if (!a)
        return;
    for (b = a->head; b; b = next) {
        next = b->next;
        vt_free(b);
    }
    a->head = NULL;
}
