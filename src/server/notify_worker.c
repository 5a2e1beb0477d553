/*
 * notify_worker.c - the thread that delivers the outbox. It claims due
 * messages in small batches through the writer (so a message is handed to
 * one delivery at a time), delivers each with libcurl outside any
 * transaction (a slow receiver must not hold the writer), and records the
 * outcome through the writer: delivered, with the clock event the
 * delivery meets (the upstream notice of Art. 7(1), the user notice of
 * Art. 7(3)) stamped in the same transaction the first time; or failed,
 * to be tried again after an exponential backoff with jitter, and dead
 * after the last attempt. A message the process died delivering is put
 * back to pending at start: it goes out again with the same message id,
 * which receivers de-duplicate on (docs/notifications.md).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "notify_worker.h"
#include "server_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/cases.h"
#include "vulntrack/clock.h"
#include "vulntrack/contacts.h"
#include "vulntrack/json.h"
#include "vulntrack/ledger.h"
#include "vulntrack/outbox.h"

/* Messages claimed per round. */
#define BATCH 8
/* Bytes of a receiver's reply kept for the error text. */
#define REPLY_KEEP 200
/* Milliseconds: one attempt when the configuration gives no limit. */
#define DEFAULT_TIMEOUT_MS 10000
/* Milliseconds: the shortest poll period. */
#define MIN_POLL_MS 10

typedef struct worker {
    vt_server *srv;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    bool woken;
    atomic_bool stopping; /* read by the transfer callback without the lock */
} worker;

/* One claimed message with its contact, read in the claiming transaction. */
typedef struct job {
    vt_outbox_record msg;
    vt_contact to;
} job;

typedef struct claim_ctx {
    job jobs[BATCH];
    size_t n;
} claim_ctx;

/*
 * The time retries are scheduled by: the service clock, or the real clock
 * when that is later. A clock pinned for a test (VULNTRACK_FAKE_NOW) does
 * not move, and a retry scheduled on it would never fall due; messages are
 * still stamped with the service clock (the clocks of the obligations).
 */
static int64_t schedule_now(void)
{
    struct timespec ts;
    int64_t svc = vt_clock_now_ms(), real;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return svc;
    real = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    return real > svc ? real : svc;
}

static int claim_write(vt_store *w, void *ctx, vt_error *err)
{
    claim_ctx *c = ctx;
    int64_t ids[BATCH];
    size_t n = 0, i;
    int error = vt_outbox_claim(w, schedule_now(), BATCH, ids, &n, err);

    for (i = 0; error == 0 && i < n; i++) {
        error = vt_outbox_get(w, ids[i], &c->jobs[i].msg, err);
        if (error == 0)
            error = vt_contact_get(w, c->jobs[i].msg.contact_id, &c->jobs[i].to, err);
        if (error == 0)
            c->n = i + 1;
        else
            vt_outbox_record_dispose(&c->jobs[i].msg);
    }
    return error;
}

static int recover_write(vt_store *w, void *ctx, vt_error *err)
{
    return vt_outbox_recover(w, schedule_now(), ctx, err);
}

/* ---- outcome ---------------------------------------------------------- */

typedef struct outcome {
    vt_server *srv;
    const job *j;
    bool ok;
    bool stamp;        /* also stamp the clock event the obligation names */
    const char *error; /* failure text */
    int64_t at_ms;
    bool dead;
} outcome;

/* The clock event a delivery meeting obligation `code` records, or NULL. */
static const char *event_of(const char *code)
{
    if (!code)
        return NULL;
    if (strcmp(code, "CN-UPSTREAM") == 0)
        return "E_UPSTREAM_NOTIFIED";
    if (strcmp(code, "CN-USERNOTE") == 0 || strcmp(code, "CRA-USER") == 0)
        return "E_USERS_NOTIFIED";
    return NULL;
}

/* Stamp the event of a first delivery; an event already recorded (by an
 * earlier message or by hand) is left as it is. */
static int stamp_event(vt_store *w, outcome *o, vt_error *err)
{
    const vt_outbox_record *m = &o->j->msg;
    const char *event = event_of(m->obligation);
    vt_case_refusal refusal = VT_CASE_REFUSAL_NONE;
    char evidence[512], t[VT_TIME_TEXT_MAX];
    int error;

    if (!event || !m->case_id)
        return 0;
    snprintf(evidence, sizeof(evidence), "message %s (%s) delivered to contact %lld (%s, %s) at %s",
             m->message_id, m->kind, (long long)o->j->to.id, o->j->to.name, o->j->to.channel,
             vt_time_format_utc(t, o->at_ms));
    error = vt_case_record_event(w, vt_server_policies(o->srv), vt_server_calendars(o->srv),
                                 m->case_id, event, o->at_ms, NULL, "system", evidence,
                                 vt_clock_now_ms(), &refusal, err);
    if (error == VT_EINVALID && refusal == VT_CASE_REFUSAL_EVENT_SET) {
        vt_error_clear(err);
        return 0;
    }
    return error;
}

/* Ledger entry "notification.delivered" or "notification.dead": the
 * receipt of what left the service, and of what never did. */
static int ledger_outcome(vt_store *w, const outcome *o, vt_error *err)
{
    const vt_outbox_record *m = &o->j->msg;
    vt_ledger_entry_in in;
    cJSON *d = cJSON_CreateObject();
    char *text = NULL;
    int error = 0;

    if (!d || vt_json_add_str(d, "message_id", m->message_id) < 0 ||
        vt_json_add_str(d, "kind", m->kind) < 0 ||
        vt_json_add_num(d, "contact_id", (double)o->j->to.id) < 0 ||
        vt_json_add_str(d, "channel", o->j->to.channel) < 0 ||
        vt_json_add_num(d, "attempts", m->attempts + (o->ok ? 0 : 1)) < 0 ||
        (!o->ok && vt_json_add_str(d, "last_error", o->error) < 0))
        error = vt_error_set(err, VT_ENOMEM, 0, "recording a delivery");
    if (error == 0) {
        text = cJSON_PrintUnformatted(d);
        if (!text)
            error = vt_error_set(err, VT_ENOMEM, 0, "recording a delivery");
    }
    if (error == 0) {
        memset(&in, 0, sizeof(in));
        in.kind = o->ok ? "notification.delivered" : "notification.dead";
        in.channel = "system";
        in.actor = "system";
        in.subject = m->message_id;
        in.content = m->body_json;
        in.content_len = strlen(m->body_json);
        in.detail = text;
        in.at_ms = o->ok ? o->at_ms : 0;
        error = vt_ledger_append(w, &in, NULL, err);
    }
    if (text)
        cJSON_free(text);
    cJSON_Delete(d);
    return error;
}

static int outcome_write(vt_store *w, void *ctx, vt_error *err)
{
    outcome *o = ctx;
    vt_outbox_policy p = VT_OUTBOX_POLICY_INIT;
    const vt_server_config *cfg = vt_server_get_config(o->srv);
    bool first = false;
    int error;

    if (!o->ok) {
        p.max_attempts = cfg->notify_max_attempts;
        p.base_ms = cfg->notify_backoff_ms;
        p.cap_ms = cfg->notify_backoff_cap_ms;
        error = vt_outbox_mark_failed(w, o->j->msg.id, o->error, schedule_now(), &p,
                                      randombytes_random(), &o->dead, err);
        if (error == 0 && o->dead)
            error = ledger_outcome(w, o, err);
        return error;
    }
    error = vt_outbox_mark_delivered(w, o->j->msg.id, o->at_ms, &first, err);
    if (error == 0 && first)
        error = ledger_outcome(w, o, err);
    if (error == 0 && first && o->stamp)
        error = stamp_event(w, o, err);
    return error;
}

/* Record the outcome; a delivery whose event could not be stamped is still
 * recorded as delivered (sent twice is worse than stamped by hand). */
static void record(outcome *o)
{
    vt_error err = VT_ERROR_INIT;
    char t[VT_TIME_TEXT_MAX];

    o->stamp = true;
    if (vt_server_write(o->srv, outcome_write, o, &err) == 0) {
        if (!o->ok)
            fprintf(stderr, "vulntrack serve: message %s: %s%s\n", o->j->msg.message_id, o->error,
                    o->dead ? " (dead after the last attempt)" : "");
        return;
    }
    fprintf(stderr, "vulntrack serve: message %s: recording the outcome: %s\n",
            o->j->msg.message_id, err.msg);
    if (o->ok) {
        o->stamp = false;
        vt_error_clear(&err);
        if (vt_server_write(o->srv, outcome_write, o, &err) < 0)
            fprintf(stderr, "vulntrack serve: message %s delivered at %s, not recorded: %s\n",
                    o->j->msg.message_id, vt_time_format_utc(t, o->at_ms), err.msg);
    }
}

/* ---- delivery ----------------------------------------------------------- */

/* Keep the start of the reply for the error text, drop the rest. */
static size_t keep_reply(char *data, size_t size, size_t nmemb, void *ctx)
{
    vt_buf *b = ctx;
    size_t n = size * nmemb, room = b->len < REPLY_KEEP ? REPLY_KEEP - b->len : 0;

    if (room)
        vt_buf_put(b, data, n < room ? n : room);
    return n;
}

/* Abort a transfer in progress when the server stops: the message stays
 * delivering and goes out again, with its id, after the restart. */
static int transfer_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                             curl_off_t ulnow)
{
    worker *wk = ctx;

    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return atomic_load(&wk->stopping) ? 1 : 0;
}

static void common_options(CURL *h, worker *wk, const vt_server_config *cfg, char *errbuf)
{
    /* 0 would mean no limit to libcurl: a receiver must never hold the thread. */
    long timeout = cfg->notify_timeout_ms > 0 ? (long)cfg->notify_timeout_ms : DEFAULT_TIMEOUT_MS;

    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, transfer_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, wk);
}

/* POST the JSON body, signed. Returns 0 or a failure text in `why`. */
static int deliver_webhook(worker *wk, const job *j, const vt_server_config *cfg, char *why,
                           size_t cap)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hdr = NULL;
    vt_buf reply = VT_BUF_INIT;
    char errbuf[CURL_ERROR_SIZE] = "", sig[VT_OUTBOX_SIG_MAX], line[160];
    /* The real time, for the receiver's replay window (never a pinned clock). */
    int64_t ts = (int64_t)time(NULL);
    long status = 0;
    CURLcode rc;
    int error = -1;

    if (!h) {
        snprintf(why, cap, "out of memory");
        return -1;
    }
    if (vt_outbox_sign(sig, j->to.secret, ts, j->msg.body_json, strlen(j->msg.body_json), NULL) <
        0) {
        snprintf(why, cap, "the contact has no signing secret");
        goto out;
    }
    hdr = curl_slist_append(hdr, "Content-Type: application/json; charset=utf-8");
    snprintf(line, sizeof(line), "X-Vulntrack-Message-Id: %s", j->msg.message_id);
    hdr = curl_slist_append(hdr, line);
    snprintf(line, sizeof(line), "X-Vulntrack-Timestamp: %lld", (long long)ts);
    hdr = curl_slist_append(hdr, line);
    snprintf(line, sizeof(line), "X-Vulntrack-Signature: %s", sig);
    hdr = curl_slist_append(hdr, line);
    snprintf(line, sizeof(line), "X-Vulntrack-Kind: %s", j->msg.kind);
    hdr = curl_slist_append(hdr, line);
    hdr = curl_slist_append(hdr, "Expect:");
    if (!hdr) {
        snprintf(why, cap, "out of memory");
        goto out;
    }
    common_options(h, wk, cfg, errbuf);
    curl_easy_setopt(h, CURLOPT_URL, j->to.address);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "vulntrack-notify/1");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, j->msg.body_json);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(j->msg.body_json));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_reply);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply);
    rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        snprintf(why, cap, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
        goto out;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) {
        snprintf(why, cap, "HTTP %ld", status);
        goto out;
    }
    error = 0;
out:
    vt_buf_dispose(&reply);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return error;
}

/* RFC 2047 encoded-word for a header with non-ASCII text. */
static void header_text(char *out, size_t cap, const char *name, const char *text)
{
    const unsigned char *p;
    bool ascii = true;
    char b64[1400];
    size_t len = strlen(text);

    for (p = (const unsigned char *)text; *p; p++)
        if (*p >= 0x80 || *p < 0x20)
            ascii = false;
    if (ascii) {
        snprintf(out, cap, "%s: %s", name, text);
        return;
    }
    if (len > 1000)
        len = 1000;
    sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)text, len,
                      sodium_base64_VARIANT_ORIGINAL);
    snprintf(out, cap, "%s: =?UTF-8?B?%s?=", name, b64);
}

/* Add a text part of `type` holding `data` to `mime`. */
static bool add_part(curl_mime *mime, const char *data, const char *type)
{
    curl_mimepart *part = curl_mime_addpart(mime);

    return part && curl_mime_data(part, data, CURL_ZERO_TERMINATED) == CURLE_OK &&
           curl_mime_type(part, type) == CURLE_OK &&
           curl_mime_encoder(part, "quoted-printable") == CURLE_OK;
}

/* Send the e-mail: multipart/alternative with the text and HTML parts. */
static int deliver_email(worker *wk, const job *j, const vt_server_config *cfg, char *why,
                         size_t cap)
{
    CURL *h;
    curl_mime *mime = NULL, *alt = NULL;
    curl_mimepart *part;
    struct curl_slist *hdr = NULL, *rcpt = NULL, *inl = NULL;
    char errbuf[CURL_ERROR_SIZE] = "", line[1600], from[300], date[64];
    time_t now = time(NULL);
    struct tm tmv;
    CURLcode rc;
    int error = -1;

    if (!cfg->smtp_url || !cfg->smtp_url[0]) {
        snprintf(why, cap, "no SMTP server configured (--smtp-url)");
        return -1;
    }
    h = curl_easy_init();
    if (!h) {
        snprintf(why, cap, "out of memory");
        return -1;
    }
    snprintf(from, sizeof(from), "<%s>", cfg->smtp_from ? cfg->smtp_from : "vulntrack@localhost");
    gmtime_r(&now, &tmv);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tmv);
    snprintf(line, sizeof(line), "Date: %s", date);
    hdr = curl_slist_append(hdr, line);
    snprintf(line, sizeof(line), "From: %s", from);
    hdr = curl_slist_append(hdr, line);
    snprintf(line, sizeof(line), "To: <%s>", j->to.address);
    hdr = curl_slist_append(hdr, line);
    header_text(line, sizeof(line), "Subject", j->msg.subject);
    hdr = curl_slist_append(hdr, line);
    snprintf(line, sizeof(line), "Message-ID: <%s@vulntrack>", j->msg.message_id);
    hdr = curl_slist_append(hdr, line);
    snprintf(line, sizeof(line), "X-Vulntrack-Message-Id: %s", j->msg.message_id);
    hdr = curl_slist_append(hdr, line);
    snprintf(line, sizeof(line), "<%s>", j->to.address);
    rcpt = curl_slist_append(rcpt, line);
    inl = curl_slist_append(inl, "Content-Disposition: inline");
    mime = curl_mime_init(h);
    alt = curl_mime_init(h);
    if (!hdr || !rcpt || !inl || !mime || !alt ||
        !add_part(alt, j->msg.body_text, "text/plain; charset=utf-8") ||
        (j->msg.body_html && !add_part(alt, j->msg.body_html, "text/html; charset=utf-8"))) {
        snprintf(why, cap, "out of memory");
        goto out;
    }
    part = curl_mime_addpart(mime);
    if (!part || curl_mime_subparts(part, alt) != CURLE_OK) {
        snprintf(why, cap, "out of memory");
        goto out;
    }
    alt = NULL; /* owned by `mime` now */
    curl_mime_type(part, "multipart/alternative");
    curl_mime_headers(part, inl, 1);
    inl = NULL;
    common_options(h, wk, cfg, errbuf);
    curl_easy_setopt(h, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
    rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        snprintf(why, cap, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
        goto out;
    }
    error = 0;
out:
    curl_slist_free_all(inl);
    curl_mime_free(alt);
    curl_mime_free(mime);
    curl_slist_free_all(hdr);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    return error;
}

static void deliver(worker *wk, const job *j)
{
    const vt_server_config *cfg = vt_server_get_config(wk->srv);
    char why[CURL_ERROR_SIZE + 64] = "";
    outcome o;
    int rc;

    memset(&o, 0, sizeof(o));
    o.srv = wk->srv;
    o.j = j;
    if (j->to.disabled_ms) {
        rc = -1;
        snprintf(why, sizeof(why), "the contact was deleted");
    } else if (strcmp(j->to.channel, "webhook") == 0) {
        rc = deliver_webhook(wk, j, cfg, why, sizeof(why));
    } else {
        rc = deliver_email(wk, j, cfg, why, sizeof(why));
    }
    if (rc != 0 && atomic_load(&wk->stopping))
        return; /* interrupted by the stop: left delivering, recovered at start */
    o.ok = rc == 0;
    o.error = why;
    o.at_ms = vt_clock_now_ms();
    record(&o);
}

/* ---- the thread ----------------------------------------------------------- */

/* Claim and deliver one batch. Returns how many were claimed. */
static size_t round_once(worker *wk)
{
    claim_ctx c;
    vt_error err = VT_ERROR_INIT;
    size_t i;

    memset(&c, 0, sizeof(c));
    if (vt_server_write(wk->srv, claim_write, &c, &err) < 0) {
        fprintf(stderr, "vulntrack serve: outbox: %s\n", err.msg);
        for (i = 0; i < c.n; i++) {
            vt_outbox_record_dispose(&c.jobs[i].msg);
            vt_contact_dispose(&c.jobs[i].to);
        }
        return 0;
    }
    for (i = 0; i < c.n; i++) {
        /* Stopping: the rest stay delivering and are sent after the restart. */
        if (!atomic_load(&wk->stopping))
            deliver(wk, &c.jobs[i]);
        vt_outbox_record_dispose(&c.jobs[i].msg);
        vt_contact_dispose(&c.jobs[i].to);
    }
    return c.n;
}

static void *worker_main(void *arg)
{
    worker *wk = arg;
    const vt_server_config *cfg = vt_server_get_config(wk->srv);
    /* A zero period would spin; a few milliseconds is the floor. */
    int64_t poll_ms = cfg->notify_poll_ms >= MIN_POLL_MS ? cfg->notify_poll_ms : MIN_POLL_MS;

    for (;;) {
        struct timespec until;
        int64_t ns;

        pthread_mutex_lock(&wk->mu);
        if (wk->stop) {
            pthread_mutex_unlock(&wk->mu);
            break;
        }
        wk->woken = false;
        pthread_mutex_unlock(&wk->mu);
        /* A full batch may mean more are due: go again at once. */
        if (round_once(wk) == BATCH)
            continue;
        pthread_mutex_lock(&wk->mu);
        clock_gettime(CLOCK_REALTIME, &until);
        ns = (int64_t)until.tv_nsec + (poll_ms % 1000) * 1000000;
        until.tv_sec += (time_t)(poll_ms / 1000 + ns / 1000000000);
        until.tv_nsec = (long)(ns % 1000000000);
        while (!wk->stop && !wk->woken)
            if (pthread_cond_timedwait(&wk->cv, &wk->mu, &until) != 0)
                break;
        pthread_mutex_unlock(&wk->mu);
    }
    return NULL;
}

int vt_notify_worker_start(vt_server *srv, vt_error *err)
{
    worker *wk;
    long recovered = 0;
    int error;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return vt_error_set(err, VT_EIO, 0, "libcurl did not initialise");
    error = vt_server_write(srv, recover_write, &recovered, err);
    if (error < 0)
        return error;
    if (recovered > 0)
        fprintf(stderr,
                "vulntrack serve: %ld message(s) interrupted while delivering will be "
                "sent again with the same message id\n",
                recovered);
    wk = vt_calloc(1, sizeof(*wk));
    if (!wk)
        return vt_error_set(err, VT_ENOMEM, 0, "starting the delivery thread");
    wk->srv = srv;
    atomic_init(&wk->stopping, false);
    pthread_mutex_init(&wk->mu, NULL);
    pthread_cond_init(&wk->cv, NULL);
    if (pthread_create(&wk->thread, NULL, worker_main, wk) != 0) {
        pthread_cond_destroy(&wk->cv);
        pthread_mutex_destroy(&wk->mu);
        vt_free(wk);
        return vt_error_set(err, VT_EIO, 0, "starting the delivery thread");
    }
    srv->notify_worker = wk;
    return 0;
}

void vt_notify_worker_wake(vt_server *srv)
{
    worker *wk = srv ? srv->notify_worker : NULL;

    if (!wk)
        return;
    pthread_mutex_lock(&wk->mu);
    wk->woken = true;
    pthread_cond_signal(&wk->cv);
    pthread_mutex_unlock(&wk->mu);
}

void vt_notify_worker_stop(vt_server *srv)
{
    worker *wk = srv ? srv->notify_worker : NULL;

    if (!wk)
        return;
    atomic_store(&wk->stopping, true);
    pthread_mutex_lock(&wk->mu);
    wk->stop = true;
    pthread_cond_signal(&wk->cv);
    pthread_mutex_unlock(&wk->mu);
    pthread_join(wk->thread, NULL);
    pthread_cond_destroy(&wk->cv);
    pthread_mutex_destroy(&wk->mu);
    vt_free(wk);
    srv->notify_worker = NULL;
    curl_global_cleanup();
}
