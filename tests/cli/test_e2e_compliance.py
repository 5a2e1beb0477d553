"""One case from intake to a published CSAF advisory with every obligation
met, against the real server and real receivers on loopback:

report (anonymous intake) -> case -> verified and assessed -> upstream
notice delivered by webhook (CN-UPSTREAM) -> authority report submitted
(CN-NVDB) -> fix available (CN-PATCH) and the report updated (CN-NVDB-UPD)
-> user notice delivered by e-mail
(CN-USERNOTE) -> users notified -> disclosure gate satisfied -> CSAF
published and valid (official validator and schema) -> disclosed -> closed
with nothing open, and the ledger verifies with the public key alone.

The receivers, validators and server set-up are the ones the notification
and advisory tests use."""
import json
import os
import shutil
import tempfile

from aiosmtpd.controller import Controller

from clitest import run, run_tests
from test_advisories_api import check_csaf, osv_validator, schema_errors
from test_notifications_api import (Mailbox, Receiver, add_contact, free_port, outbox,
                                    server, wait_for)

REPORT = {
    "product": {"name": "Router OS", "model": "RT-2000", "version": "2.0.3"},
    "title": "Stack overflow in the web server's header parser",
    "description": "A long Host header overflows a stack buffer; the device reboots.",
    "reporter": {"name": "Alice Example", "email": "alice@example.org"},
}


def transition(srv, token, ref, to, **extra):
    status, _, b = srv.request("POST", "/api/v1/cases/%s/transitions" % ref,
                               dict(extra, to=to), token=token)
    assert status == 200, (to, status, b)
    return b


def patch_doc(srv, token, ref, doc):
    status, _, case = srv.request("GET", "/api/v1/cases/" + ref, token=token)
    assert status == 200, case
    status, _, b = srv.request("PATCH", "/api/v1/cases/" + ref,
                               {"revision": case["revision"], "doc": doc}, token=token)
    assert status == 200, (status, b)
    return b


def obligations(srv, token, ref):
    status, _, b = srv.request("GET", "/api/v1/cases/%s/obligations" % ref, token=token)
    assert status == 200, b
    return {o["obligation"]: o for o in b["items"]}


def test_intake_to_published_csaf_with_every_obligation_met():
    hook = Receiver()
    box = Mailbox()
    smtp = Controller(box, hostname="127.0.0.1", port=free_port())
    smtp.start()
    tmp = tempfile.mkdtemp(prefix="vt-e2e-")
    try:
        with server(extra=["--smtp-url", "smtp://127.0.0.1:%d" % smtp.port,
                           "--smtp-from", "psirt@acme.example"]) as srv:
            code, _, err = srv.cli("org", "add", "--db", srv.db, "--slug", "acme", "--name",
                                   "Acme Networks", "--kind", "vendor", "--country", "CN",
                                   "--time-zone", "Asia/Shanghai", "--profiles", "CN_RMSV_2021")
            assert code == 0, err
            admin = srv.token("admin")
            mgr = srv.token("psirt_manager", org="acme")
            analyst = srv.token("analyst", org="acme")
            auditor = srv.token("auditor")
            status, _, b = srv.request("PATCH", "/api/v1/orgs/acme", {"flags": {
                "contact": {"name": "Acme PSIRT", "email": "psirt@acme.example"},
                "publisher_namespace": "https://psirt.acme.example"}}, token=admin)
            assert status == 200, b
            status, _, product = srv.request("POST", "/api/v1/products", {
                "name": "Router OS", "model": "RT-2000", "type": "hardware"}, token=mgr)
            assert status == 201, product

            # 1. Intake: anonymous, acknowledged with a ledger receipt.
            status, _, rep = srv.request("POST", "/api/v1/reports", REPORT)
            assert status == 201, rep
            receipt = rep["receipt"]

            # 2. The report becomes a case; E_AWARE is its receipt time.
            status, _, case = srv.request("POST", "/api/v1/reports/%s/case" % rep["id"], {
                "doc": {
                    "products": [{"product_id": product["id"], "vendor": "Acme",
                                  "name": "Router OS", "model": "RT-2000", "ecosystem": "semver",
                                  "versions": ["2.0.3", "2.0.4"], "fixed_versions": ["2.0.5"]}],
                    "product_type": "hardware",
                    "cwe": ["CWE-121"],
                    "cvss": [{"vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],
                    "upstream": {"purl": "pkg:generic/tinyhttpd@1.2", "provider": "Tiny HTTPd",
                                 "known_at_awareness": True},
                    "identifiers": [{"scheme": "CVE", "id": "CVE-2026-40001"}],
                    "credit": "Alice Example"}}, token=analyst)
            assert status == 201, case
            ref = case["ref"]
            assert case["events"]["E_AWARE"]["at"] == receipt["received_at"], case

            # 3. Verified and assessed.
            transition(srv, analyst, ref, "triage")
            patch_doc(srv, analyst, ref, {
                "verification_note": "Reproduced on RT-2000 2.0.3 and 2.0.4.",
                "tech_characteristics": "Missing length check when copying the Host header.",
                "category_code": "代码问题/缓冲区错误",
                "harm": "A remote attacker can make the device reboot (denial of service).",
                "impact_scope": "Every RT-2000 running 2.0.3 or 2.0.4 with the web UI enabled."})
            transition(srv, analyst, ref, "confirmed")
            transition(srv, analyst, ref, "remediation")

            # 4. Upstream notice through the outbox, delivered by webhook.
            add_contact(srv, mgr, role="upstream", name="Tiny HTTPd security",
                        address=hook.url)
            status, _, n = srv.request("POST", "/api/v1/cases/%s/notifications" % ref,
                                       {"kind": "upstream_notice"}, token=mgr)
            assert status == 201, n
            wait_for(lambda: obligations(srv, mgr, ref)["CN-UPSTREAM"]["state"] == "met",
                     what="CN-UPSTREAM met from the webhook delivery")
            assert len(hook.processed) == 1 and not hook.bad, (hook.processed, hook.bad)

            # 5. The authority report: complete, submitted, CN-NVDB met.
            status, _, report = srv.request(
                "GET", "/api/v1/cases/%s/authority-report" % ref, token=analyst)
            assert status == 200 and report["completeness"]["missing"] == [], report
            status, _, sub = srv.request(
                "POST", "/api/v1/cases/%s/authority-report/submissions" % ref,
                {"receipt_number": "NVDB-2026-000123"}, token=mgr)
            assert status == 201, sub
            assert obligations(srv, mgr, ref)["CN-NVDB"]["state"] == "met"

            # 6. The fix, then the user notice by e-mail.
            patch_doc(srv, analyst, ref, {"remediations": [
                {"kind": "patch", "version": "2.0.5",
                 "instructions": "Install firmware 2.0.5 from the support site."}]})
            transition(srv, analyst, ref, "fix_available")
            # The fix is a material change: the report is updated (CN-NVDB-UPD).
            status, _, report = srv.request(
                "GET", "/api/v1/cases/%s/authority-report" % ref, token=analyst)
            assert status == 200 and report.get("update_due") is True, report
            status, _, sub = srv.request(
                "POST", "/api/v1/cases/%s/authority-report/submissions" % ref,
                {"receipt_number": "NVDB-2026-000123-U1"}, token=mgr)
            assert status == 201, sub
            assert obligations(srv, mgr, ref)["CN-NVDB-UPD"]["state"] == "met"
            add_contact(srv, mgr, role="user", name="Customer operations", channel="email",
                        address="ops@customer.example", product_id=product["id"],
                        versions=["2.0.3"])
            status, _, n = srv.request("POST", "/api/v1/cases/%s/notifications" % ref,
                                       {"kind": "user_notice"}, token=mgr)
            assert status == 201, n
            wait_for(lambda: obligations(srv, mgr, ref)["CN-USERNOTE"]["state"] == "met",
                     what="CN-USERNOTE met from the e-mail delivery")
            assert len(box.messages) == 1, box.messages
            transition(srv, mgr, ref, "users_notified")

            # 7. The disclosure gate: refused without the attestation, then
            # the advisory is published and every document is valid.
            status, _, gate = srv.request("POST", "/api/v1/cases/%s/gate" % ref, {},
                                          token=mgr)
            assert status == 200 and gate["allowed"] is False, gate
            assert "P3" in {r["rule"] for r in gate["refusals"]}, gate
            status, _, b = srv.request("POST", "/api/v1/cases/%s/disclosure-records" % ref, {
                "kind": "no_exaggeration_attestation",
                "record": {"note": "Severity matches the assessed grade."}}, token=mgr)
            assert status == 201, b
            status, _, pub = srv.request("POST", "/api/v1/cases/%s/advisory" % ref, {},
                                         token=mgr)
            assert status == 201 and pub["gate"]["allowed"] is True, pub
            tracking = pub["tracking_id"]
            status, _, lst = srv.request("GET", "/api/v1/advisories")
            assert status == 200, lst
            assert tracking in [a["tracking_id"] for a in lst["advisories"]], lst
            docs = []
            for fmt in ("csaf", "csaf_vex"):
                status, _, d = srv.request("GET", "/api/v1/advisories/%s?format=%s"
                                           % (tracking, fmt))
                assert status == 200, d
                docs.append(d)
            check_csaf(docs, tmp)
            status, _, osv = srv.request("GET", "/api/v1/advisories/%s?format=osv" % tracking)
            assert status == 200 and schema_errors(osv_validator(), osv) == [], osv
            transition(srv, mgr, ref, "disclosed")

            # 8. Every obligation met (or not applicable to a vendor's own
            # product), none open, missed or waived; the case closes.
            obl = obligations(srv, mgr, ref)
            for code_, o in sorted(obl.items()):
                assert o["state"] in ("met", "not_applicable"), (code_, o)
                if o["state"] == "met":
                    assert o["late"] is False, (code_, o)
            for code_ in ("CN-LOG", "CN-VERIFY", "CN-UPSTREAM", "CN-NVDB", "CN-NVDB-UPD",
                          "CN-PATCH", "CN-USERNOTE"):
                assert obl[code_]["state"] == "met", (code_, obl[code_])
            transition(srv, mgr, ref, "closed")
            status, _, verify = srv.request("GET", "/api/v1/ledger/verify", token=auditor)
            assert status == 200 and verify["intact"] is True, verify
            assert srv.stop() == 0
            # 9. A copy verifies with nothing but the public key.
            code, key, err = run("ledger", "pubkey", "--db", srv.db)
            assert code == 0, err
            code, out, err = run("ledger", "verify", "--db", srv.db, "--pubkey", key.strip())
            assert code == 0 and "0 unsealed" in out, (out, err)
    finally:
        hook.close()
        smtp.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    run_tests(globals())
