/*
 * scan_table.h - the scan report as a table for people (`vulntrack scan`,
 * the default format).
 */
#ifndef VT_CLI_SCAN_TABLE_H
#define VT_CLI_SCAN_TABLE_H

#include "vulntrack/out.h"
#include "vulntrack/scan.h"

/*
 * Write the table to `out` and flush it: a line per SBOM, a header and one aligned line
 * per finding (grade, id, package@version, fixed versions, KEV mark), and a
 * summary line by grade; the JSON output lists unidentified components. With `color`, grades
 * and the KEV mark are coloured with ANSI escapes. Returns 0, VT_ENOMEM,
 * VT_ETOOBIG or VT_EIO (out->sys_errno says why).
 */
int cli_scan_table(vt_out *out, const vt_scan_report *r, bool color);

#endif
