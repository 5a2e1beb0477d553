"""Start a real `vulntrack serve` on loopback for a test (standard library only).

    with Server() as srv:
        tok = srv.token("admin")
        status, headers, body = srv.request("GET", "/api/v1/whoami", token=tok)

The server listens on 127.0.0.1 with a port the kernel picks (--listen
127.0.0.1:0; the URL is read from its first output line), on a database in
a temporary directory that is removed afterwards. Its stdout and stderr go
to files in that directory (srv.log() returns them), so a chatty server
never blocks on a full pipe.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

VT = os.environ.get("VT_BIN")
START_TIMEOUT = 30
REQUEST_TIMEOUT = 30


class Server:
    def __init__(self, args=(), env=None, db=None, workdir=None):
        self.args = list(args)
        self.env = dict(os.environ)
        self.env.update(env or {})
        self.own_dir = workdir is None
        self.dir = workdir or tempfile.mkdtemp(prefix="vt-serve-")
        self.db = db or os.path.join(self.dir, "vt.db")
        self.proc = None
        self.url = None

    # -- lifecycle --------------------------------------------------------
    def start(self):
        self.out_path = os.path.join(self.dir, "serve.out")
        self.err_path = os.path.join(self.dir, "serve.err")
        out = open(self.out_path, "ab")
        err = open(self.err_path, "ab")
        start_offset = os.path.getsize(self.out_path)
        self.proc = subprocess.Popen(
            [VT, "serve", "--db", self.db, "--listen", "127.0.0.1:0", *self.args],
            stdout=out, stderr=err, env=self.env)
        out.close()
        err.close()
        deadline = time.time() + START_TIMEOUT
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("vulntrack serve exited with %d:\n%s"
                                   % (self.proc.returncode, self.log()))
            with open(self.out_path, "rb") as f:
                f.seek(start_offset)
                m = re.search(rb"listening on (https?://\S+)", f.read())
            if m:
                self.url = m.group(1).decode()
                break
            time.sleep(0.05)
        else:
            self.kill()
            raise RuntimeError("vulntrack serve did not start:\n" + self.log())
        while time.time() < deadline:
            try:
                status, _, _ = self.request("GET", "/readyz")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("vulntrack serve never became ready:\n" + self.log())

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Signal the server and wait; returns its exit status."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError("vulntrack serve did not stop within %ds" % timeout)
        return self.proc.returncode if self.proc else None

    def kill(self):
        """SIGKILL: no chance to finish anything (crash tests)."""
        return self.stop(signal.SIGKILL)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        try:
            self.stop()
        finally:
            if self.own_dir:
                shutil.rmtree(self.dir, ignore_errors=True)

    def log(self):
        text = ""
        for p in (getattr(self, "out_path", None), getattr(self, "err_path", None)):
            if p and os.path.exists(p):
                with open(p, encoding="utf-8", errors="replace") as f:
                    text += f.read()
        return text

    # -- administration through the CLI ------------------------------------
    def cli(self, *args, stdin=None):
        p = subprocess.run([VT, *args], input=stdin, capture_output=True, text=True,
                           timeout=120, env=self.env)
        return p.returncode, p.stdout, p.stderr

    def token(self, role, name=None, org=None):
        """A new machine token with `role` (created with `vulntrack token create`)."""
        args = ["token", "create", "--db", self.db, "--role", role,
                "--name", name or ("%s-%d" % (role, time.monotonic_ns()))]
        if org:
            args += ["--org", org]
        code, out, err = self.cli(*args)
        if code != 0:
            raise RuntimeError("token create failed (%d): %s" % (code, err))
        return out.strip()

    # -- HTTP --------------------------------------------------------------
    def request(self, method, path, body=None, token=None, headers=None, raw=None,
                timeout=REQUEST_TIMEOUT):
        """Send one request; returns (status, headers with lower-case names, body).

        `body` is sent as JSON; `raw` (bytes) as it is. The body comes back
        parsed when the reply is JSON, else as text."""
        data = raw
        hdrs = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        if token:
            hdrs["Authorization"] = "Bearer " + token
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, _lower(resp.headers), _decode(resp)
        except urllib.error.HTTPError as e:
            return e.code, _lower(e.headers), _decode(e)


def _lower(h):
    return {k.lower(): v for k, v in h.items()}


def _decode(resp):
    text = resp.read().decode("utf-8", errors="replace")
    if "json" in (resp.headers.get("Content-Type") or "") and text:
        return json.loads(text)
    return text
