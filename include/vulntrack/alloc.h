/*
 * alloc.h - the only allocator vulntrack code uses. Routing every allocation
 * through here lets tests make the Nth allocation fail and check that each
 * caller reports VT_ENOMEM without leaking.
 */
#ifndef VULNTRACK_ALLOC_H
#define VULNTRACK_ALLOC_H

#include "common.h"

/** malloc(3); returns NULL on failure (or on an injected failure). */
VT_EXTERN void *vt_malloc(size_t size);
/** calloc(3); checks nmemb * size for overflow. */
VT_EXTERN void *vt_calloc(size_t nmemb, size_t size);
/** realloc(3); on failure the old block is untouched and still owned. */
VT_EXTERN void *vt_realloc(void *ptr, size_t size);
/** free(3); accepts NULL. */
VT_EXTERN void vt_free(void *ptr);
/** A new NUL-terminated copy of s[0..len); the caller frees it with vt_free. */
VT_EXTERN char *vt_strndup(const char *s, size_t len);
/** A new copy of the NUL-terminated string s; the caller frees it. */
VT_EXTERN char *vt_strdup(const char *s);

/**
 * Test hook: make the allocation after `n` more successful ones fail (n = 0:
 * the very next one). A negative n turns injection off. Per thread.
 */
VT_EXTERN void vt_alloc_fail_after(long n);
/** Test hook: true once an injected failure has happened since the last reset. */
VT_EXTERN bool vt_alloc_failure_injected(void);

/**
 * How many allocations have failed on this thread (injected or real). A
 * caller of a library that reports an allocation failure like a syntax
 * error (cJSON) compares the count before and after to tell them apart.
 */
VT_EXTERN unsigned long vt_alloc_failures(void);

#endif
