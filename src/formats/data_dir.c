/*
 * data_dir.c - walk a directory of JSON data files in a stable order, so
 * that a duplicate id is always reported against the same file.
 */
#include "data_dir.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json_strict.h"
#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"

int vt__data_fail(vt_error *err, const char *file, const char *ptr, const char *fmt, ...)
{
    char what[VT_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return vt_error_set_field(err, VT_EINVALID, ptr, "%s: %s: %s", file ? file : "(input)",
                             ptr && *ptr ? ptr : "/", what);
}

void vt__data_pointer(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
}

int vt__data_parse(cJSON **out, const char *text, size_t len, const char *file, vt_error *err)
{
    vt_error perr = VT_ERROR_INIT;
    int error = vt__json_parse_document(out, text, len, &perr);

    if (error < 0)
        return vt_error_set(err, VT_EINVALID, perr.offset, "%s: %s", file, perr.msg);
    return 0;
}

int vt__data_check_keys(vt_error *err, const char *file, const cJSON *obj, const char *at,
                        const char *const *keys, size_t nkeys)
{
    const cJSON *m;
    char ptr[160];
    size_t i;

    if (!cJSON_IsObject(obj))
        return vt__data_fail(err, file, at, "must be an object");
    cJSON_ArrayForEach(m, obj)
    {
        bool known = false;
        for (i = 0; i < nkeys; i++)
            known = known || strcmp(m->string, keys[i]) == 0;
        if (!known) {
            vt__data_pointer(ptr, sizeof(ptr), "%s/%.40s", at, m->string);
            return vt__data_fail(err, file, ptr, "unknown key");
        }
    }
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_json_name(const char *n)
{
    size_t len = strlen(n);

    return n[0] != '.' && len > 5 && strcmp(n + len - 5, ".json") == 0;
}

int vt__data_dir_each(const char *dir, size_t max_bytes, vt__data_file_fn fn, void *ctx,
                      vt_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL, **grown;
    size_t n = 0, cap = 0, i;
    vt_buf path = VT_BUF_INIT, text;
    struct stat st;
    int error = 0;

    vt_buf_init(&text, max_bytes);
    if (!d)
        return vt_error_set(err, VT_EIO, 0, "%s: cannot open the directory", dir);
    while ((e = readdir(d)) != NULL) {
        if (!is_json_name(e->d_name))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            grown = vt_realloc(names, cap * sizeof(*names));
            if (!grown) {
                error = vt_error_set(err, VT_ENOMEM, 0, "out of memory listing %s", dir);
                goto out;
            }
            names = grown;
        }
        names[n] = vt_strdup(e->d_name);
        if (!names[n]) {
            error = vt_error_set(err, VT_ENOMEM, 0, "out of memory listing %s", dir);
            goto out;
        }
        n++;
    }
    if (n)
        qsort(names, n, sizeof(*names), name_cmp);
    for (i = 0; i < n; i++) {
        vt_buf_clear(&path);
        error = vt_buf_printf(&path, "%s/%s", dir, names[i]);
        if (error < 0) {
            vt_error_set(err, error, 0, "out of memory listing %s", dir);
            goto out;
        }
        if (stat(path.ptr, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        error = vt_buf_read_file(&text, path.ptr, err);
        if (error < 0)
            goto out;
        error = fn(ctx, path.ptr, text.ptr, text.len, err);
        if (error < 0)
            goto out;
    }
out:
    for (i = 0; i < n; i++)
        vt_free(names[i]);
    vt_free(names);
    vt_buf_dispose(&path);
    vt_buf_dispose(&text);
    closedir(d);
    return error;
}
