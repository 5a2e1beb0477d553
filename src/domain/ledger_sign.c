/*
 * ledger_sign.c - the ledger's Ed25519 signing key and its checkpoints.
 *
 * The key file holds the 64-byte libsodium secret key (seed, then public
 * key) as 128 hex digits and a newline. It is created once, exclusively and
 * with mode 0600, and a file that group or others may read is refused: a
 * leaked key would let anyone sign a rewritten ledger.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "domain/ledger_internal.h"
#include "vulntrack/store_ledger.h"

/* Largest key file read: 128 hex digits and some white space. */
#define KEY_FILE_MAX 512

int vt_ledger_pubkey_parse(const char *hex, uint8_t out[32], vt_error *err)
{
    size_t len = strlen(hex);
    size_t bin_len = 0;

    while (len > 0 && (hex[len - 1] == '\n' || hex[len - 1] == '\r' || hex[len - 1] == ' '))
        len--;
    if (len != 64 || sodium_hex2bin(out, 32, hex, len, NULL, &bin_len, NULL) != 0 ||
        bin_len != 32)
        return vt_error_set(err, VT_EINVALID, 0,
                            "a public key is 64 hexadecimal digits (Ed25519)");
    return 0;
}

void vt_ledger_key_wipe(vt_ledger_key *key)
{
    if (key)
        sodium_memzero(key->secret_key, sizeof(key->secret_key));
}

/* Read the key file into `text` (NUL-terminated, trailing space removed),
 * refusing what is not a private regular file when `need_private`. */
static int key_read(const char *path, bool need_private, char text[KEY_FILE_MAX + 1],
                    size_t *len, vt_error *err)
{
    struct stat st;
    ssize_t n;
    size_t got = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    int error = 0;

    if (fd < 0) {
        if (errno == ENOENT)
            return vt_error_set(err, VT_ENOTFOUND, 0, "no ledger key at %s", path);
        return vt_error_set(err, VT_EIO, 0, "cannot open the ledger key %s: %s", path,
                            strerror(errno));
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        error = vt_error_set(err, VT_EINVALID, 0, "the ledger key %s is not a regular file",
                             path);
        goto out;
    }
    if (need_private && (st.st_mode & 077)) {
        error = vt_error_set(err, VT_EINVALID, 0,
                             "the ledger key %s is accessible by group or others (mode %03o); "
                             "make it private with chmod 600",
                             path, (unsigned)(st.st_mode & 0777));
        goto out;
    }
    while (got < KEY_FILE_MAX) {
        n = read(fd, text + got, KEY_FILE_MAX - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error = vt_error_set(err, VT_EIO, 0, "cannot read the ledger key %s: %s", path,
                                 strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    while (got > 0 && (text[got - 1] == '\n' || text[got - 1] == '\r' || text[got - 1] == ' '))
        got--;
    text[got] = '\0';
    *len = got;
out:
    close(fd);
    return error;
}

/* Fill key from a 64-byte secret key, checking that its public half is the
 * one its seed derives (a truncated or edited file is refused). */
static int key_from_secret(vt_ledger_key *key, const uint8_t sk[64], const char *path,
                           vt_error *err)
{
    uint8_t pk[32], sk2[64];
    int ok;

    crypto_sign_seed_keypair(pk, sk2, sk);
    ok = sodium_memcmp(pk, sk + 32, 32) == 0;
    sodium_memzero(sk2, sizeof(sk2));
    if (!ok)
        return vt_error_set(err, VT_EINVALID, 0,
                            "the ledger key %s is damaged: its public half does not match", path);
    memcpy(key->secret_key, sk, 64);
    memcpy(key->public_key, pk, 32);
    sodium_bin2hex(key->public_hex, sizeof(key->public_hex), pk, 32);
    return 0;
}

static int key_parse_secret(vt_ledger_key *key, const char *text, size_t len, const char *path,
                            vt_error *err)
{
    uint8_t sk[64];
    size_t bin_len = 0;
    int error;

    if (len != 128 || sodium_hex2bin(sk, sizeof(sk), text, len, NULL, &bin_len, NULL) != 0 ||
        bin_len != 64)
        return vt_error_set(err, VT_EINVALID, 0,
                            "the ledger key %s is not 128 hexadecimal digits", path);
    error = key_from_secret(key, sk, path, err);
    sodium_memzero(sk, sizeof(sk));
    return error;
}

/* Create a new key file. When another process created it first (EEXIST),
 * return VT_EUNSUPPORTED without a message: the caller loads that file. */
static int key_create(const char *path, vt_ledger_key *key, vt_error *err)
{
    uint8_t pk[32], sk[64];
    char hex[129 + 1];
    size_t off = 0, len;
    int fd, error = 0;

    crypto_sign_keypair(pk, sk);
    sodium_bin2hex(hex, 129, sk, 64);
    hex[128] = '\n';
    hex[129] = '\0';
    len = 129;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        error = errno == EEXIST ? VT_EUNSUPPORTED
                                : vt_error_set(err, VT_EIO, 0, "cannot create the ledger key %s: %s",
                                               path, strerror(errno));
        goto out;
    }
    while (off < len) {
        ssize_t n = write(fd, hex + off, len - off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error = vt_error_set(err, VT_EIO, 0, "cannot write the ledger key %s: %s", path,
                                 strerror(errno));
            break;
        }
        off += (size_t)n;
    }
    if (error >= 0 && fsync(fd) != 0)
        error = vt_error_set(err, VT_EIO, 0, "cannot write the ledger key %s: %s", path,
                             strerror(errno));
    close(fd);
    if (error < 0) {
        unlink(path);
        goto out;
    }
    error = key_from_secret(key, sk, path, err);
out:
    sodium_memzero(sk, sizeof(sk));
    sodium_memzero(hex, sizeof(hex));
    return error;
}

int vt_ledger_key_load_or_create(const char *path, vt_ledger_key *key, bool *created,
                                 vt_error *err)
{
    char text[KEY_FILE_MAX + 1];
    size_t len = 0;
    int error;

    memset(key, 0, sizeof(*key));
    if (created)
        *created = false;
    if (sodium_init() < 0)
        return vt_error_set(err, VT_EINTERNAL, 0, "libsodium could not be initialised");
    error = key_read(path, true, text, &len, err);
    if (error == VT_ENOTFOUND) {
        error = key_create(path, key, err);
        if (error >= 0 && created)
            *created = true;
        if (error != VT_EUNSUPPORTED)
            return error;
        error = key_read(path, true, text, &len, err);
    }
    if (error >= 0)
        error = key_parse_secret(key, text, len, path, err);
    sodium_memzero(text, sizeof(text));
    return error;
}

int vt_ledger_key_load_public(const char *path, vt_ledger_key *key, vt_error *err)
{
    char text[KEY_FILE_MAX + 1];
    size_t len = 0;
    int error;

    memset(key, 0, sizeof(*key));
    if (sodium_init() < 0)
        return vt_error_set(err, VT_EINTERNAL, 0, "libsodium could not be initialised");
    error = key_read(path, false, text, &len, err);
    if (error < 0)
        goto out;
    /* A file of 64 digits is a public key alone (`ledger pubkey > FILE`). */
    if (len == 64) {
        error = vt_ledger_pubkey_parse(text, key->public_key, err);
        if (error >= 0)
            sodium_bin2hex(key->public_hex, sizeof(key->public_hex), key->public_key, 32);
    } else {
        error = key_parse_secret(key, text, len, path, err);
    }
    vt_ledger_key_wipe(key);
out:
    sodium_memzero(text, sizeof(text));
    return error;
}

/* ------------------------------------------------------------------------ */
/* Checkpoints */

static int checkpoint_sign(vt_store *w, const vt_ledger_key *key, int64_t seq,
                           const char *entry_hash, int64_t now_ms, vt_error *err)
{
    char text[VT__LEDGER_CHECKPOINT_TEXT_MAX];
    unsigned char sig[crypto_sign_BYTES];
    char sig_hex[2 * crypto_sign_BYTES + 1];
    vt_ledger_checkpoint_row c;
    size_t len = vt__ledger_checkpoint_text(text, seq, entry_hash, now_ms);
    int error;

    crypto_sign_detached(sig, NULL, (const unsigned char *)text, len, key->secret_key);
    sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, sizeof(sig));
    c.seq = seq;
    c.entry_hash = entry_hash;
    c.signed_ms = now_ms;
    c.public_key = key->public_hex;
    c.signature = sig_hex;
    error = vt_store_ledger_checkpoint_insert(w, &c, err);
    if (error >= 0)
        error = vt_store_ledger_setting_put(w, "ledger_public_key", key->public_hex, err);
    return error;
}

int vt_ledger_checkpoint(vt_store *w, const vt_ledger_key *key, int64_t now_ms, vt_error *err)
{
    char hash[VT__LEDGER_HEX];
    bool found;
    int64_t seq;
    int error = vt_store_ledger_last(w, &found, &seq, hash, err);

    if (error < 0)
        return error;
    if (!found)
        return vt_error_set(err, VT_ENOTFOUND, 0, "the ledger is empty: nothing to checkpoint");
    error = vt_store_ledger_checkpoint_exists(w, seq, &found, err);
    if (error < 0 || found)
        return error;
    return checkpoint_sign(w, key, seq, hash, now_ms, err);
}

int vt_ledger_checkpoint_if_due(vt_store *w, const vt_ledger_key *key, long every_entries,
                                int64_t every_ms, int64_t now_ms, bool *made, vt_error *err)
{
    char hash[VT__LEDGER_HEX];
    bool found, have_cp;
    int64_t seq, cp_seq, cp_ms, since_ms;
    bool due = false;
    int error;

    if (made)
        *made = false;
    error = vt_store_ledger_last(w, &found, &seq, hash, err);
    if (error < 0 || !found)
        return error;
    error = vt_store_ledger_checkpoint_last(w, &have_cp, &cp_seq, &cp_ms, err);
    if (error < 0)
        return error;
    if (have_cp && cp_seq >= seq)
        return 0;
    if (every_entries > 0 && seq - (have_cp ? cp_seq : 0) >= every_entries)
        due = true;
    if (!due && every_ms > 0) {
        if (have_cp) {
            since_ms = cp_ms;
        } else {
            /* No checkpoint yet: count from the oldest unsealed entry. */
            int64_t count, first, last;

            error = vt_store_ledger_bounds(w, &count, &first, &last, err);
            if (error >= 0)
                error = vt_store_ledger_at(w, first, &found, &since_ms, err);
            if (error < 0)
                return error;
            if (!found)
                since_ms = now_ms - every_ms;
        }
        due = now_ms - since_ms >= every_ms;
    }
    if (!due)
        return 0;
    error = checkpoint_sign(w, key, seq, hash, now_ms, err);
    if (error >= 0 && made)
        *made = true;
    return error;
}
