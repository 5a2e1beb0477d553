/*
 * buf.h - a growable byte buffer with a size cap (git strbuf invariants: `ptr`
 * is never NULL and always NUL-terminated; curl dynbuf's cap).
 */
#ifndef VULNTRACK_BUF_H
#define VULNTRACK_BUF_H

#include "common.h"

typedef struct vt_buf {
    char *ptr;      /* never NULL; points at a static "" until first growth */
    size_t len;     /* bytes in use, not counting the terminating NUL */
    size_t cap;     /* bytes allocated (0 while ptr is the static "") */
    size_t max;     /* largest len allowed; 0 means VT_BUF_DEFAULT_MAX */
} vt_buf;

/* Bytes. Large enough for any single document the CLI reads by default. */
#define VT_BUF_DEFAULT_MAX ((size_t)256 * 1024 * 1024)

VT_EXTERN extern char vt__buf_empty[1];
#define VT_BUF_INIT {vt__buf_empty, 0, 0, 0}

/** Initialise with a cap of `max` bytes (0: default cap). */
VT_EXTERN void vt_buf_init(vt_buf *b, size_t max);
/** Release the memory; `b` is VT_BUF_INIT again. Accepts an _INIT buffer. */
VT_EXTERN void vt_buf_dispose(vt_buf *b);
/** Empty the buffer, keeping its memory. */
VT_EXTERN void vt_buf_clear(vt_buf *b);
/** Make room for `extra` more bytes. Returns 0, VT_ENOMEM or VT_ETOOBIG. */
VT_EXTERN int vt_buf_grow(vt_buf *b, size_t extra);
/** Append bytes. Returns 0, VT_ENOMEM or VT_ETOOBIG. */
VT_EXTERN int vt_buf_put(vt_buf *b, const char *data, size_t len);
/** Append a NUL-terminated string. */
VT_EXTERN int vt_buf_puts(vt_buf *b, const char *s);
/** Append one byte. */
VT_EXTERN int vt_buf_putc(vt_buf *b, char c);
/** Append printf-style. Returns 0, VT_ENOMEM or VT_ETOOBIG. */
VT_EXTERN int vt_buf_printf(vt_buf *b, const char *fmt, ...) VT_PRINTF(2, 3);
/**
 * Hand over the bytes: returns a NUL-terminated heap string the caller frees
 * with vt_free (NULL on VT_ENOMEM), and resets `b` to empty.
 */
VT_EXTERN char *vt_buf_detach(vt_buf *b);
/**
 * Read a whole file (or stdin when path is "-") into `b`, replacing its
 * contents. Returns 0, VT_EIO (err names the path and errno text),
 * VT_ETOOBIG or VT_ENOMEM.
 */
VT_EXTERN int vt_buf_read_file(vt_buf *b, const char *path, vt_error *err);

#endif
