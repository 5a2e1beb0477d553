/* buf.c - growable, capped byte buffer. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"

char vt__buf_empty[1];

void vt_buf_init(vt_buf *b, size_t max)
{
    b->ptr = vt__buf_empty;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void vt_buf_dispose(vt_buf *b)
{
    if (!b)
        return;
    if (b->cap)
        vt_free(b->ptr);
    vt_buf_init(b, b->max);
}

void vt_buf_clear(vt_buf *b)
{
    b->len = 0;
    b->ptr[0] = '\0';
}

int vt_buf_grow(vt_buf *b, size_t extra)
{
    size_t max = b->max ? b->max : VT_BUF_DEFAULT_MAX;
    size_t need, cap;
    char *p;

    if (extra > max || b->len > max - extra)
        return VT_ETOOBIG;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    p = vt_realloc(b->cap ? b->ptr : NULL, cap);
    if (!p)
        return VT_ENOMEM;
    if (!b->cap)
        p[0] = '\0';
    b->ptr = p;
    b->cap = cap;
    return 0;
}

int vt_buf_put(vt_buf *b, const char *data, size_t len)
{
    int error = vt_buf_grow(b, len);

    if (error < 0)
        return error;
    if (len)
        memmove(b->ptr + b->len, data, len);
    b->len += len;
    b->ptr[b->len] = '\0';
    return 0;
}

int vt_buf_puts(vt_buf *b, const char *s)
{
    return vt_buf_put(b, s, strlen(s));
}

int vt_buf_putc(vt_buf *b, char c)
{
    return vt_buf_put(b, &c, 1);
}

int vt_buf_printf(vt_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n, error;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return VT_EINVALID;
    error = vt_buf_grow(b, (size_t)n);
    if (error < 0)
        return error;
    va_start(ap, fmt);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

char *vt_buf_detach(vt_buf *b)
{
    char *out;

    if (!b->cap) {
        out = vt_strndup("", 0);
    } else {
        out = b->ptr;
    }
    vt_buf_init(b, b->max);
    return out;
}

int vt_buf_read_file(vt_buf *b, const char *path, vt_error *err)
{
    FILE *f;
    char chunk[65536];
    size_t n;
    int error = 0;
    bool is_stdin = strcmp(path, "-") == 0;

    vt_buf_clear(b);
    f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return vt_error_set(err, VT_EIO, 0, "%s: %s", path, strerror(errno));
    for (;;) {
        n = fread(chunk, 1, sizeof(chunk), f);
        if (n) {
            error = vt_buf_put(b, chunk, n);
            if (error < 0) {
                vt_error_set(err, error, b->len, "%s: %s", path,
                             vt_strerror(error));
                goto out;
            }
        }
        if (n < sizeof(chunk))
            break;
    }
    if (ferror(f))
        error = vt_error_set(err, VT_EIO, b->len, "%s: read error", path);
out:
    if (!is_stdin)
        fclose(f);
    return error;
}
