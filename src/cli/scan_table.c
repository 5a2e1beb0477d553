/*
 * scan_table.c - the scan report for people. Columns are padded to the
 * widest cell counted in characters (UTF-8 code points), not bytes, so that
 * names outside ASCII keep the columns aligned; colour escapes are added
 * outside the padding for the same reason. Lines leave a few at a time
 * (vt_out_step), so a long table is never held whole.
 */
#include <string.h>

#include "scan_table.h"
#include "vulntrack/alloc.h"

#define COLOR_RESET "\033[0m"

enum { COL_GRADE, COL_ID, COL_PACKAGE, COL_FIXED, COL_KEV, NCOLS };

static const char *const headers[NCOLS] = {"GRADE", "ID", "PACKAGE", "FIXED", "KEV"};

/* Characters in a UTF-8 string: bytes that do not continue a sequence. */
static size_t text_width(const char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

static const char *grade_color(const vt_finding *f)
{
    switch (f->grade.level) {
    case VT_GRADE_CRITICAL:
        return "\033[1;31m";
    case VT_GRADE_HIGH:
        return "\033[31m";
    case VT_GRADE_MEDIUM:
        return "\033[33m";
    case VT_GRADE_LOW:
        return "\033[36m";
    default:
        return NULL;
    }
}

/* The cells of one finding, each a NUL-terminated string in `cells`. */
static int finding_cells(vt_buf cells[NCOLS], const vt_finding *f)
{
    size_t i;
    int error;

    for (i = 0; i < NCOLS; i++)
        vt_buf_clear(&cells[i]);
    error = vt_buf_puts(&cells[COL_GRADE], vt_grade_level_en(f->grade.level));
    if (error >= 0 && f->best_score10 >= 0)
        error = vt_buf_printf(&cells[COL_GRADE], " %d.%d", f->best_score10 / 10,
                              f->best_score10 % 10);
    if (error >= 0)
        error = vt_buf_puts(&cells[COL_ID], f->id);
    if (error >= 0)
        error = vt_buf_printf(&cells[COL_PACKAGE], "%s@%s", f->name ? f->name : f->purl,
                              f->version);
    for (i = 0; error >= 0 && i < f->nfixed_versions; i++)
        error = vt_buf_printf(&cells[COL_FIXED], "%s%s", i ? "," : "", f->fixed_versions[i]);
    if (error >= 0 && f->nfixed_versions == 0)
        error = vt_buf_puts(&cells[COL_FIXED], "-");
    if (error >= 0 && f->kev)
        error = vt_buf_puts(&cells[COL_KEV], "KEV");
    return error;
}

/* Append `s`, coloured when `color` is not NULL, padded to `width` characters. */
static int put_cell(vt_buf *out, const char *s, size_t len, size_t width, const char *color,
                    bool last)
{
    size_t w = text_width(s, len);
    int error = 0;

    if (color)
        error = vt_buf_puts(out, color);
    if (error >= 0)
        error = vt_buf_put(out, s, len);
    if (error >= 0 && color)
        error = vt_buf_puts(out, COLOR_RESET);
    for (; error >= 0 && !last && w < width + 2; w++)
        error = vt_buf_putc(out, ' ');
    return error;
}

static int sbom_lines(vt_buf *out, const vt_scan_report *r)
{
    size_t i;
    int error = 0;

    for (i = 0; error >= 0 && i < r->nsboms; i++) {
        const vt_scan_sbom *b = &r->sboms[i];

        if (b->error)
            error = vt_buf_printf(out, "sbom %s: not scanned: %s\n", b->path, b->error);
        else
            error = vt_buf_printf(out, "sbom %s: %s %s, %zu components, %zu not identifiable\n",
                                  b->path, b->format, b->spec_version ? b->spec_version : "?",
                                  b->components, b->unidentified);
    }
    return error;
}

static int summary_line(vt_buf *out, const vt_scan_report *r)
{
    static const vt_grade_level order[] = {VT_GRADE_CRITICAL, VT_GRADE_HIGH, VT_GRADE_MEDIUM,
                                           VT_GRADE_LOW, VT_GRADE_NONE, VT_GRADE_UNAVAILABLE};
    size_t counts[VT_GRADE_CRITICAL + 1] = {0};
    size_t i, kev = 0;
    int error;

    for (i = 0; i < r->nfindings; i++) {
        counts[r->findings[i].grade.level]++;
        if (r->findings[i].kev)
            kev++;
    }
    error = vt_buf_printf(out, "%zu finding%s:", r->nfindings, r->nfindings == 1 ? "" : "s");
    for (i = 0; error >= 0 && i < sizeof(order) / sizeof(order[0]); i++)
        error = vt_buf_printf(out, "%s %zu %s", i ? "," : "", counts[order[i]],
                              vt_grade_level_en(order[i]));
    if (error >= 0)
        error = vt_buf_printf(out, "; %zu known exploited; %zu components not identifiable\n", kev,
                              r->nunidentified);
    return error;
}

int cli_scan_table(vt_out *sink, const vt_scan_report *r, bool color)
{
    vt_buf *out = sink->b;
    vt_buf cells[NCOLS] = {VT_BUF_INIT, VT_BUF_INIT, VT_BUF_INIT, VT_BUF_INIT, VT_BUF_INIT};
    size_t width[NCOLS];
    size_t i, c;
    int error;

    for (c = 0; c < NCOLS; c++)
        width[c] = strlen(headers[c]);
    error = sbom_lines(out, r);
    /* Two passes: widths first, then the lines. */
    for (i = 0; error >= 0 && i < r->nfindings; i++) {
        error = finding_cells(cells, &r->findings[i]);
        for (c = 0; error >= 0 && c < NCOLS; c++) {
            size_t w = text_width(cells[c].ptr, cells[c].len);

            if (w > width[c])
                width[c] = w;
        }
    }
    if (error >= 0 && r->nfindings) {
        for (c = 0; error >= 0 && c < NCOLS; c++)
            error = put_cell(out, headers[c], strlen(headers[c]), width[c], NULL, c + 1 == NCOLS);
        if (error >= 0)
            error = vt_buf_putc(out, '\n');
    }
    for (i = 0; error >= 0 && i < r->nfindings; i++) {
        const vt_finding *f = &r->findings[i];

        error = finding_cells(cells, f);
        for (c = 0; error >= 0 && c < NCOLS; c++) {
            const char *col = NULL;

            if (color && c == COL_GRADE)
                col = grade_color(f);
            else if (color && c == COL_KEV && f->kev)
                col = "\033[1;35m";
            error = put_cell(out, cells[c].ptr, cells[c].len, width[c], col, c + 1 == NCOLS);
        }
        /* The KEV column is last and often empty: no trailing blanks. */
        while (error >= 0 && out->len && out->ptr[out->len - 1] == ' ')
            out->ptr[--out->len] = '\0';
        if (error >= 0)
            error = vt_buf_putc(out, '\n');
        if (error >= 0)
            error = vt_out_step(sink);
    }
    if (error >= 0)
        error = summary_line(out, r);
    if (error >= 0)
        error = vt_out_flush(sink);
    for (c = 0; c < NCOLS; c++)
        vt_buf_dispose(&cells[c]);
    return error;
}
