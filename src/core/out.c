/*
 * out.c - the output sink of the document writers (out.h). It lives with the
 * writers because they are its only users; it knows nothing of documents.
 */
#include <errno.h>

#include "vulntrack/out.h"

void vt_out_init_buf(vt_out *o, vt_buf *b)
{
    vt_buf_init(&o->pending, 0);
    o->b = b;
    o->fp = NULL;
    o->written = 0;
    o->sys_errno = 0;
}

void vt_out_init_file(vt_out *o, FILE *fp)
{
    vt_buf_init(&o->pending, 0);
    o->b = &o->pending;
    o->fp = fp;
    o->written = 0;
    o->sys_errno = 0;
}

/* Hand the pending bytes to the stream; they are dropped either way. */
static int hand_over(vt_out *o)
{
    size_t n = o->pending.len;

    if (n == 0)
        return 0;
    errno = 0;
    if (fwrite(o->pending.ptr, 1, n, o->fp) != n) {
        o->sys_errno = errno;
        vt_buf_clear(&o->pending);
        return VT_EIO;
    }
    o->written += n;
    vt_buf_clear(&o->pending);
    return 0;
}

int vt_out_step(vt_out *o)
{
    if (!o->fp || o->pending.len < VT_OUT_FLUSH_AT)
        return 0;
    return hand_over(o);
}

int vt_out_flush(vt_out *o)
{
    int error;

    if (!o->fp)
        return 0;
    error = hand_over(o);
    if (error < 0)
        return error;
    errno = 0;
    if (fflush(o->fp) != 0 || ferror(o->fp)) {
        o->sys_errno = errno;
        return VT_EIO;
    }
    return 0;
}

void vt_out_dispose(vt_out *o)
{
    vt_buf_dispose(&o->pending);
    o->b = &o->pending;
}
