"""`vulntrack serve`: start-up, the system routes, error shapes, limits,
TLS, IPv6 and a clean SIGTERM shutdown, against the real server on loopback."""
import os
import re
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.request

from clitest import SOURCE, run, run_tests
from servertest import Server


def test_first_run_message_names_url_and_first_admin():
    with Server() as srv:
        out = srv.log()
        assert "listening on " + srv.url in out, out
        assert "/api/v1/openapi.yaml" in out, out
        assert "No administrator exists yet" in out, out
        assert "vulntrack user add --db %s --name admin --role admin" % srv.db in out, out


def test_health_ready_and_metrics():
    with Server() as srv:
        status, _, body = srv.request("GET", "/healthz")
        assert status == 200 and body == {"status": "ok"}, body
        status, _, body = srv.request("GET", "/readyz")
        assert status == 200 and body == {"status": "ready"}, body
        srv.request("GET", "/no/such/route")
        status, headers, text = srv.request("GET", "/metrics")
        assert status == 200 and headers["content-type"].startswith("text/plain"), headers
        # Requests are counted by route pattern and status, with a histogram.
        assert re.search(r'vulntrack_http_requests_total\{method="GET",route="/readyz",'
                         r'status="200"\} [1-9]\d*\n', text), text
        assert 'route="unmatched",status="404"' in text, text
        assert re.search(r'vulntrack_http_request_duration_seconds_bucket\{le="\+Inf"\} \d+', text)
        for gauge in ("vulntrack_intake_total", "vulntrack_ledger_height",
                      "vulntrack_obligations_overdue"):
            assert re.search(r"^%s \d+$" % gauge, text, re.M), gauge


def test_errors_are_json_with_code_and_message():
    with Server() as srv:
        status, headers, body = srv.request("GET", "/api/v1/no-such-thing")
        assert status == 404 and body["error"]["code"] == "not_found", body
        status, headers, body = srv.request("DELETE", "/healthz")
        assert status == 405 and headers["allow"] == "GET", headers
        assert body["error"]["code"] == "method_not_allowed", body
        status, headers, body = srv.request("GET", "/readyz", token="vtm_not-a-token")
        assert status == 401 and body["error"]["code"] == "invalid_token", body
        assert "bearer" in headers["www-authenticate"].lower(), headers
        status, _, body = srv.request("GET", "/readyz", headers={"Authorization": "Basic eDp5"})
        assert status == 401 and body["error"]["code"] == "unauthenticated", body


def test_body_over_the_limit_is_413():
    with Server(["--body-limit", "1000"]) as srv:
        status, _, body = srv.request("POST", "/api/v1/reports", raw=b"x" * 1001,
                                      headers={"Content-Type": "application/json"})
        assert status == 413 and body["error"]["code"] == "too_large", body
        assert "1000" in body["error"]["message"], body
        # At the limit the body is read (whatever the route then says).
        status, _, _ = srv.request("POST", "/healthz", raw=b"x" * 1000)
        assert status == 405, status


def test_openapi_document_is_served_as_built():
    with Server() as srv:
        status, headers, text = srv.request("GET", "/api/v1/openapi.yaml")
        assert status == 200 and headers["content-type"] == "application/yaml", headers
        with open(os.path.join(SOURCE, "docs", "openapi.yaml"), encoding="utf-8") as f:
            assert text == f.read()


def test_sigterm_finishes_in_flight_requests_and_exits_zero():
    with Server() as srv:
        results = []

        def slow_client():
            # Send the head now and the body after the signal: the request is
            # in flight when SIGTERM arrives and must still be answered.
            s = socket.create_connection(socket.getaddrinfo(
                "127.0.0.1", int(srv.url.rsplit(":", 1)[1]))[0][4], timeout=20)
            s.sendall(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                      b"Connection: close\r\n\r\n")
            time.sleep(1.0)
            s.sendall(b"hello")
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            results.append(data)

        t = threading.Thread(target=slow_client)
        t.start()
        time.sleep(0.3)
        srv.proc.send_signal(signal.SIGTERM)
        t.join(30)
        assert srv.proc.wait(30) == 0
        assert results and results[0].startswith(b"HTTP/1.1 405"), results
        assert "stopped" in srv.log()


def test_clean_stop_seals_the_ledger_with_a_signed_checkpoint():
    srv = Server()
    srv.start()
    try:
        report = {"product": {"name": "P", "model": "M", "version": "1"}, "title": "t",
                  "description": "d"}
        for _ in range(3):
            status, _, body = srv.request("POST", "/api/v1/reports", body=report)
            assert status == 201, body
        assert srv.stop() == 0
        code, key, err = run("ledger", "pubkey", "--db", srv.db)
        assert code == 0, err
        code, out, err = run("ledger", "verify", "--db", srv.db, "--pubkey", key.strip())
        assert code == 0, (out, err)
        assert "3 entries" in out and "0 unsealed" in out, out
    finally:
        srv.stop()
        import shutil
        shutil.rmtree(srv.dir, ignore_errors=True)


def test_retention_below_six_months_is_refused_citing_article_5():
    with tempfile.TemporaryDirectory() as d:
        code, out, err = run("serve", "--db", os.path.join(d, "x.db"), "--listen",
                             "127.0.0.1:0", "--retention-months", "5")
        assert code == 2, (code, err)
        assert "6 months" in err and "Art" in err and "5" in err, err


def test_bad_options_exit_2_with_the_option_named():
    for args, word in ((["--listen", "localhost"], "--listen"),
                       (["--listen", "300.1.1.1:80"], "300.1.1.1"),
                       (["--body-limit", "abc"], "--body-limit"),
                       (["--tls-cert", "/nonexistent.pem"], "--tls-key"),
                       (["--frobnicate"], "--frobnicate")):
        with tempfile.TemporaryDirectory() as d:
            code, out, err = run("serve", "--db", os.path.join(d, "x.db"), *args)
            assert code == 2, (args, code, err)
            assert word in err, (args, err)


def test_routes_listing_names_every_rule():
    code, out, err = run("serve", "--routes")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert "GET /healthz " in out, out
    for line in lines:
        method, pattern, allow = line.split(" ")
        assert method in ("GET", "POST", "PUT", "PATCH", "DELETE"), line
        assert pattern.startswith("/"), line
        assert allow, line


def test_tls():
    with tempfile.TemporaryDirectory() as d:
        cert, key = os.path.join(d, "c.pem"), os.path.join(d, "k.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cert], check=True, capture_output=True,
                       timeout=60)
        with _TlsServer(cert, key) as srv:
            assert srv.url.startswith("https://127.0.0.1:"), srv.url
            ctx = ssl.create_default_context(cafile=cert)
            with urllib.request.urlopen(srv.url + "/healthz", context=ctx, timeout=10) as r:
                assert r.status == 200 and b'"ok"' in r.read()


class _TlsServer(Server):
    """A server over TLS: readiness is checked with the test certificate."""

    def __init__(self, cert, key):
        super().__init__(["--tls-cert", cert, "--tls-key", key])
        self.cafile = cert

    def request(self, method, path, **kw):
        ctx = ssl.create_default_context(cafile=self.cafile)
        req = urllib.request.Request(self.url + path, method=method)
        try:
            with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
                return r.status, {}, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, {}, e.read().decode()


def _have_ipv6_loopback():
    try:
        s = socket.socket(socket.AF_INET6)
        s.bind(("::1", 0))
        s.close()
        return True
    except OSError:
        return False


def test_ipv6_loopback():
    if not _have_ipv6_loopback():
        print("  (no ::1 on this machine: IPv6 not tested)")
        return
    with tempfile.TemporaryDirectory() as d:
        # Start on [::1]:0 instead of the harness's IPv4 default.
        p = subprocess.Popen([os.environ["VT_BIN"], "serve", "--db", os.path.join(d, "v6.db"),
                              "--listen", "[::1]:0"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
        try:
            line = p.stdout.readline()
            m = re.search(r"listening on (http://\[::1\]:\d+)", line)
            assert m, line
            deadline = time.time() + 20
            while True:
                try:
                    with urllib.request.urlopen(m.group(1) + "/healthz", timeout=5) as r:
                        assert r.status == 200
                        break
                except OSError:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.1)
        finally:
            p.send_signal(signal.SIGTERM)
            assert p.wait(30) == 0


if __name__ == "__main__":
    run_tests(globals())
