/*
 * bench_ledger.c - receipt-ledger throughput.
 * Usage: bench_ledger [ENTRIES] [DIR]
 * ENTRIES (default 100000) entries are appended to a new database in DIR
 * (default a new directory under $TMPDIR or /tmp, removed afterwards),
 * all in one transaction as the server's group commit does, each with a
 * 200-byte content and a small detail object; then one checkpoint is
 * signed, the chain verified, exported and the export verified with the
 * public key. Prints one line per step:
 *   step <tab> entries <tab> seconds <tab> entries/s
 * The append figure includes canonicalising the detail and hashing the
 * content, as vt_ledger_append always does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vulntrack/ledger.h"
#include "vulntrack/store.h"
#include "vulntrack/strparse.h"

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const char *step, long n, double secs)
{
    printf("%s\t%ld\t%.3f\t%.0f\n", step, n, secs, secs > 0 ? (double)n / secs : 0.0);
    fflush(stdout);
}

static int fail(const char *what, const vt_error *err)
{
    fprintf(stderr, "bench_ledger: %s: %s\n", what, err->msg);
    return 1;
}

int main(int argc, char **argv)
{
    char dir[256], db[320], key_path[320], export_path[320], content[201], subject[32],
        detail[128];
    vt_error err = VT_ERROR_INIT;
    vt_ledger_verify_result r;
    vt_ledger_key key;
    vt_store *s = NULL;
    uint64_t n = 100000;
    bool own_dir = argc < 3;
    double t;
    FILE *f;
    int status = 1;

    if (argc > 1 && (vt_parse_u64(&n, argv[1], strlen(argv[1])) < 0 || n == 0)) {
        fprintf(stderr, "usage: bench_ledger [ENTRIES] [DIR]\n");
        return 2;
    }
    if (own_dir) {
        const char *tmp = getenv("TMPDIR");

        snprintf(dir, sizeof(dir), "%s/vt-bench-ledger-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            return 1;
        }
    } else {
        snprintf(dir, sizeof(dir), "%s", argv[2]);
    }
    snprintf(db, sizeof(db), "%s/bench.db", dir);
    snprintf(key_path, sizeof(key_path), "%s/bench.db.ledger-key", dir);
    snprintf(export_path, sizeof(export_path), "%s/export.jsonl", dir);
    memset(content, 'x', 200);
    content[200] = '\0';

    if (vt_store_open(&s, db, &err) < 0) {
        status = fail("open", &err);
        goto out;
    }
    if (vt_ledger_key_load_or_create(key_path, &key, NULL, &err) < 0) {
        status = fail("key", &err);
        goto out;
    }
    t = now_seconds();
    if (vt_store_begin(s, &err) < 0) {
        status = fail("begin", &err);
        goto out;
    }
    for (uint64_t i = 0; i < n; i++) {
        vt_ledger_entry_in in = {0};

        snprintf(subject, sizeof(subject), "VT-R-%08llu", (unsigned long long)i);
        snprintf(detail, sizeof(detail),
                 "{\"product\":\"router\",\"severity\":\"high\",\"attachments\":%llu}",
                 (unsigned long long)(i % 4));
        content[0] = (char)('a' + i % 26);
        in.kind = "report.received";
        in.channel = "api";
        in.actor = "token:partner-feed";
        in.subject = subject;
        in.content = content;
        in.content_len = 200;
        in.detail = detail;
        in.at_ms = INT64_C(1767225600000) + (int64_t)i * 1000;
        if (vt_ledger_append(s, &in, NULL, &err) < 0) {
            vt_store_rollback(s);
            status = fail("append", &err);
            goto out;
        }
    }
    if (vt_ledger_checkpoint(s, &key, INT64_C(1767225600000) + (int64_t)n * 1000, &err) < 0 ||
        vt_store_commit(s, &err) < 0) {
        status = fail("checkpoint and commit", &err);
        goto out;
    }
    report("append+commit", (long)n, now_seconds() - t);

    t = now_seconds();
    if (vt_ledger_verify(s, key.public_key, &r, &err) < 0 || !r.intact) {
        status = fail("verify", &err);
        goto out;
    }
    report("verify", (long)r.entries, now_seconds() - t);

    t = now_seconds();
    f = fopen(export_path, "w");
    if (!f || vt_ledger_export(s, f, &err) < 0) {
        if (f)
            fclose(f);
        status = fail("export", &err);
        goto out;
    }
    fclose(f);
    report("export", (long)n, now_seconds() - t);

    t = now_seconds();
    f = fopen(export_path, "r");
    if (!f || vt_ledger_verify_export(f, key.public_key, &r, &err) < 0 || !r.intact) {
        if (f)
            fclose(f);
        status = fail("verify export", &err);
        goto out;
    }
    fclose(f);
    report("verify-export", (long)r.entries, now_seconds() - t);
    status = 0;
out:
    vt_ledger_key_wipe(&key);
    vt_store_close(s);
    if (own_dir) {
        static const char *const names[] = {"bench.db", "bench.db-wal", "bench.db-shm",
                                            "bench.db-journal", "bench.db.ledger-key",
                                            "export.jsonl"};
        char p[400];

        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
            unlink(p);
        }
        rmdir(dir);
    }
    return status;
}
