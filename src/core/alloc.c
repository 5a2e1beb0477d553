/*
 * alloc.c - allocation with an injectable failure, so that tests can walk
 * every allocation of a parser and check VT_ENOMEM handling (sqlite.org's
 * "out-of-memory testing").
 */
#include <stdlib.h>
#include <string.h>

#include "vulntrack/alloc.h"

/* Allocations left before the injected failure; negative: injection off. */
static _Thread_local long fail_countdown = -1;
static _Thread_local bool failure_injected;
/* Failed allocations on this thread, injected or real (vt_alloc_failures). */
static _Thread_local unsigned long failures;

unsigned long vt_alloc_failures(void)
{
    return failures;
}

/* Count a failed allocation and hand the NULL on. */
static void *failed(void)
{
    failures++;
    return NULL;
}

void vt_alloc_fail_after(long n)
{
    fail_countdown = n;
    failure_injected = false;
}

bool vt_alloc_failure_injected(void)
{
    return failure_injected;
}

/* True when this allocation is the one chosen to fail. */
static bool alloc_should_fail(void)
{
    if (fail_countdown < 0)
        return false;
    if (fail_countdown == 0) {
        failure_injected = true;
        return true;
    }
    fail_countdown--;
    return false;
}

void *vt_malloc(size_t size)
{
    void *p = alloc_should_fail() ? NULL : malloc(size ? size : 1);

    return p ? p : failed();
}

void *vt_calloc(size_t nmemb, size_t size)
{
    void *p;

    if (size && nmemb > SIZE_MAX / size)
        return failed();
    p = alloc_should_fail() ? NULL : calloc(nmemb ? nmemb : 1, size ? size : 1);
    return p ? p : failed();
}

void *vt_realloc(void *ptr, size_t size)
{
    void *p = alloc_should_fail() ? NULL : realloc(ptr, size ? size : 1);

    return p ? p : failed();
}

void vt_free(void *ptr)
{
    free(ptr);
}

char *vt_strndup(const char *s, size_t len)
{
    char *copy;

    if (len == SIZE_MAX)
        return NULL;
    copy = vt_malloc(len + 1);
    if (!copy)
        return NULL;
    if (len)
        memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *vt_strdup(const char *s)
{
    return vt_strndup(s, strlen(s));
}
