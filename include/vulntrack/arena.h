/*
 * arena.h - many small allocations with one lifetime (a parsed advisory, a
 * parsed SBOM), freed at once. Blocks come from vt_malloc, so allocation
 * failure injection reaches arena users too.
 */
#ifndef VULNTRACK_ARENA_H
#define VULNTRACK_ARENA_H

#include "common.h"

typedef struct vt__arena_block vt__arena_block;

typedef struct vt_arena {
    vt__arena_block *head;
    size_t block_size; /* bytes per block; 0 means a default of 16 KiB */
} vt_arena;

#define VT_ARENA_INIT {NULL, 0}

/**
 * `n` bytes aligned for any type, valid until vt_arena_dispose. Returns NULL
 * on out of memory. Zero-filled.
 */
VT_EXTERN void *vt_arena_alloc(vt_arena *a, size_t n);
/** A NUL-terminated copy of s[0..len) in the arena; NULL on out of memory. */
VT_EXTERN char *vt_arena_strndup(vt_arena *a, const char *s, size_t len);
/** A copy of the NUL-terminated `s` in the arena; NULL on out of memory. */
VT_EXTERN char *vt_arena_strdup(vt_arena *a, const char *s);
/** Free every block; the arena is VT_ARENA_INIT again. Accepts an _INIT arena. */
VT_EXTERN void vt_arena_dispose(vt_arena *a);

#endif
