/*
 * out.h - where a document writer puts its text: a memory sink (a caller's
 * vt_buf that ends up holding the whole document) or a file sink (a vt_buf of
 * pending bytes handed to a FILE * whenever it passes VT_OUT_FLUSH_AT), so
 * that a large report is written in chunks instead of being held whole.
 *
 * Writers append to `out->b` with the vt_buf functions and call vt_out_step
 * at a point where the text so far may leave (between two array elements,
 * say), then vt_out_flush at the end. A vt_out refers to itself: initialise
 * it where it stays and do not copy it.
 */
#ifndef VULNTRACK_OUT_H
#define VULNTRACK_OUT_H

#include <stdio.h>

#include "buf.h"
#include "common.h"

/* Bytes a file sink collects before it hands them to the FILE *. */
#define VT_OUT_FLUSH_AT ((size_t)64 * 1024)

typedef struct vt_out {
    vt_buf *b;      /* where writers append: the caller's buffer or `pending` */
    vt_buf pending; /* file sink: bytes not yet handed to `fp` */
    FILE *fp;       /* NULL for a memory sink */
    size_t written; /* bytes handed to `fp` so far */
    int sys_errno;  /* errno of the write that failed (VT_EIO), else 0 */
} vt_out;

/** A memory sink appending to `b` (borrowed; it must outlive `o`). */
VT_EXTERN void vt_out_init_buf(vt_out *o, vt_buf *b);

/** A file sink writing to `fp` (borrowed, not closed). Dispose with vt_out_dispose. */
VT_EXTERN void vt_out_init_file(vt_out *o, FILE *fp);

/**
 * A point where the text so far may be written: a file sink holding
 * VT_OUT_FLUSH_AT bytes or more hands them to its FILE *; a memory sink does
 * nothing. Returns 0 or VT_EIO (o->sys_errno says why).
 */
VT_EXTERN int vt_out_step(vt_out *o);

/**
 * Hand every pending byte to the FILE * and fflush it (nothing for a memory
 * sink). Returns 0 or VT_EIO (o->sys_errno says why, 0 when the stream had
 * failed earlier without an errno).
 */
VT_EXTERN int vt_out_flush(vt_out *o);

/** Release a file sink's pending bytes (unwritten ones are dropped); accepts a memory sink. */
VT_EXTERN void vt_out_dispose(vt_out *o);

#endif
