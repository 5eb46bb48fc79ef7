"""End-to-end test of email over SMTP: a real SMTP server (aiosmtpd) on a free loopback port saves what arrives;
`vitals serve --demo` sends to it. Checks that a test email (both parts), a weekly digest (its values equal
GET /api/v1/digests) and an alert (equal to GET /api/v1/alerts) arrive; the delivery log over the API; the unsubscribe
page (a forged link changes nothing; the one-click POST suppresses); and that the unsubscribed address gets no monthly
report on the next start while another address does.

Environment: VITALS (the binary), WORK (a scratch folder)."""
import email
import html.parser
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

VITALS = os.environ["VITALS"]
WORK = os.environ["WORK"]


def fail(message):
    print("FAIL " + message)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """The SMTP server's handler: keeps each message with its envelope recipients."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK saved"

    def wait(self, predicate, what, seconds=120):
        deadline = time.time() + seconds
        while time.time() < deadline:
            with self.lock:
                found = [m for rcpt, m in self.messages if predicate(rcpt, m)]
            if found:
                return found
            time.sleep(0.5)
        with self.lock:
            got = [(r, m["Subject"]) for r, m in self.messages]
        fail(f"no {what} arrived within {seconds} s (arrived: {got})")

    def to(self, address):
        with self.lock:
            return [m for rcpt, m in self.messages if address in rcpt]


def parts(message):
    """The text/plain and text/html parts, decoded."""
    found = {}
    for part in message.walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            found[part.get_content_type()] = part.get_content()
    # Text travels with CRLF line ends (MIME's canonical form); compare it with the API's LF.
    def lf(text):
        return text.replace("\r\n", "\n") if text is not None else None
    return lf(found.get("text/plain")), lf(found.get("text/html"))


class Cells(html.parser.HTMLParser):
    """The digest table's rows: data-kpi -> {data-value, data-previous}, and the alert ids listed."""

    def __init__(self):
        super().__init__()
        self.rows, self.alerts, self.current = {}, [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-kpi" in a:
            self.current = a["data-kpi"]
            self.rows[self.current] = {}
        if tag == "td" and self.current is not None:
            for key in ("data-value", "data-previous"):
                if key in a:
                    self.rows[self.current][key] = a[key]
        if tag == "li" and "data-alert" in a:
            self.alerts.append(int(a["data-alert"]))


def number(text):
    return None if text == "null" else float(text)


def start_server(config, port, db, log):
    out = open(log, "w")
    server = subprocess.Popen(
        [VITALS, "serve", "--demo", "--db", db, "--port", str(port), "--config", config], stdout=out, stderr=subprocess.STDOUT)
    for _ in range(600):
        text = open(log).read()
        if "Server started" in text:
            return server, text
        if server.poll() is not None:
            fail("the server stopped:\n" + text)
        time.sleep(0.5)
    fail("the server did not start:\n" + open(log).read())


class Authenticator:
    """Takes user vitals with password s3cret only, and notes each sign-in."""

    def __init__(self):
        self.signed_in = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"vitals" and auth_data.password == b"s3cret"
        if ok:
            self.signed_in.append(mechanism)
        return AuthResult(success=ok)


def tls_context():
    """A self-signed certificate for the STARTTLS server (Vitals is told not to check it)."""
    import ssl
    key, cert = os.path.join(WORK, "key.pem"), os.path.join(WORK, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                    "-subj", "/CN=localhost"], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def write_config(path, smtp_port, report_to, secure=False):
    extra = ""
    if secure:
        password = os.path.join(WORK, "smtp-password")
        with open(password, "w") as f:
            f.write("s3cret\n")
        extra = f'security = "starttls"\nuser = "vitals"\npassword_file = "{password}"\nverify_certificates = false\n'
    else:
        extra = 'security = "none"\n'
    with open(path, "w") as f:
        f.write(f"""
[[alerts.rules]]
name = "red"
kind = "turned_red"
severity = "critical"

# The demo's first evaluation (14 days back) is its silent baseline: what fires today is what changed since, and a
# score that fell 20 points or usage that halved over four weeks happens to some accounts in any two weeks.
[[alerts.rules]]
name = "falling"
kind = "score_drop"
points = 20
days = 14

[[alerts.rules]]
name = "usage-halved"
kind = "usage_drop"
percent = 50
days = 28

[digests]
schedule = "weekly"

[email]
host = "127.0.0.1"
port = {smtp_port}
{extra}from = "vitals@example.com"
from_name = "Vitals e2e"
digest_to = ["digest@example.com"]
alerts_to = ["alerts@example.com"]
report_to = {json.dumps(report_to)}
timeout_seconds = 10
""")


def main():
    inbox = Inbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    config, db = os.path.join(WORK, "vitals.toml"), os.path.join(WORK, "vitals.sqlite")
    write_config(config, smtp_port, [])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server, log = start_server(config, port, db, os.path.join(WORK, "serve.log"))
    try:
        if f"Email: sent through 127.0.0.1:{smtp_port}" not in log:
            fail("serve does not say email is set up:\n" + log)
        password = re.search(r"with password ([a-z0-9]+)\)", log).group(1)
        key = re.search(r"vk_[a-f0-9_]+", subprocess.run(
            [VITALS, "keys", "create", "--db", db, "--scope", "admin"], capture_output=True, text=True, check=True).stdout).group(0)

        def api(path):
            request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + key})
            with urllib.request.urlopen(request) as r:
                return json.load(r)

        # The weekly digest: its values are the API's.
        digest_mail = inbox.wait(lambda r, m: "digest@example.com" in r and m["Subject"].startswith("Vitals weekly digest"), "digest")[0]
        stored = api("/api/v1/digests?limit=1")["digests"][0]
        text, body = parts(digest_mail)
        if not text or not body:
            fail("the digest email lacks a text or an HTML part")
        if not text.startswith(stored["text"]):
            at = next((i for i, (a, b) in enumerate(zip(text, stored["text"])) if a != b), min(len(text), len(stored["text"])))
            fail(f"the digest email's text is not the API's from character {at}: {text[max(0, at - 40):at + 40]!r} against "
                 f"{stored['text'][max(0, at - 40):at + 40]!r}")
        cells = Cells()
        cells.feed(body)
        for line in stored["digest"]["kpis"]:
            row = cells.rows.get(line["kpi"])
            if row is None:
                fail(f"the digest email has no row for {line['kpi']}")
            for field, key_name in (("value", "data-value"), ("previous", "data-previous")):
                if number(row[key_name]) != line[field]:
                    fail(f"digest {line['kpi']} {field}: email {row[key_name]}, API {line[field]}")
        if number(cells.rows["revenue_at_risk"]["data-value"]) != stored["digest"]["revenue_at_risk"]:
            fail("the digest email's revenue at risk is not the API's")
        if not digest_mail["List-Unsubscribe"] or digest_mail["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click":
            fail("the digest email has no one-click List-Unsubscribe")
        print(f"ok the weekly digest arrived with the API's {len(stored['digest']['kpis'])} KPI values and its text")

        # The alerts: each listed is the API's, with its title.
        alert_mails = inbox.wait(lambda r, m: "alerts@example.com" in r and m["Subject"].startswith("Vitals"), "alert email")
        alerts = {a["id"]: a for a in api("/api/v1/alerts?limit=1000")["alerts"]}
        cells = Cells()
        text, body = parts(alert_mails[0])
        cells.feed(body)
        if not cells.alerts:
            fail("the alert email lists no alert")
        for alert_id in cells.alerts:
            if alert_id not in alerts:
                fail(f"the alert email lists alert {alert_id}, which the API does not have")
            if alerts[alert_id]["title"] not in text:
                fail(f"the alert email's text lacks the title of alert {alert_id}: {alerts[alert_id]['title']}")
        print(f"ok an alert email arrived listing {len(cells.alerts)} alerts, each as the API has it")

        # A test email from the admin page: both parts, no unsubscribe link.
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login = browser.open(base + "/login").read().decode()
        csrf = re.search(r'name="csrf" value="([^"]+)"', login).group(1)
        browser.open(base + "/login", urllib.parse.urlencode(
            {"csrf": csrf, "next": "/", "email": "demo@vitals.example", "password": password}).encode())
        page = browser.open(base + "/admin/email").read().decode()
        if 'data-email-state="on"' not in page:
            fail("the email admin page does not say email is set up")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        done = browser.open(base + "/admin/email/test", urllib.parse.urlencode({"csrf": csrf, "address": "test@example.com"}).encode()).read().decode()
        if "is queued" not in done:
            fail("the test email form did not queue it")
        test_mail = inbox.wait(lambda r, m: "test@example.com" in r, "test email", seconds=60)[0]
        text, body = parts(test_mail)
        if not text or "test email from Vitals" not in text or not body or "<html" not in body:
            fail("the test email lacks its text or HTML part")
        if test_mail["List-Unsubscribe"] is not None:
            fail("a test email carries an unsubscribe link")
        if test_mail["From"] != "Vitals e2e <vitals@example.com>":
            fail(f"From is {test_mail['From']}")
        print("ok a test email sent from Admin > Email arrived with a text and an HTML part")

        # The delivery log over the API.
        log = api("/api/v1/emails?kind=digest")
        if log["total"] < 1 or log["emails"][0]["status"] != "sent" or log["emails"][0]["to"] != "digest@example.com":
            fail(f"the delivery log does not show the digest sent: {log}")
        if "test@example.com" not in browser.open(base + "/admin/email?kind=test").read().decode():
            fail("the admin page's log does not list the test email")
        print(f"ok the delivery log lists the digest as sent ({log['total']} digest emails)")

        # Unsubscribe: a forged link changes nothing; the alert email's one-click link suppresses the address.
        link = alert_mails[0]["List-Unsubscribe"].strip("<>")
        if not link.startswith(base + "/unsubscribe/"):
            fail(f"the unsubscribe link {link} does not start with the public URL")
        try:
            urllib.request.urlopen(urllib.request.Request(base + "/unsubscribe/forged.token", data=b"List-Unsubscribe=One-Click"))
            fail("a forged unsubscribe link was taken")
        except urllib.error.HTTPError as e:
            if e.code != 404 or "does not work" not in e.read().decode():
                fail(f"a forged unsubscribe link answered {e.code}")
        page = urllib.request.urlopen(link).read().decode()
        if "alerts@example.com" not in page or "<form method=\"post\"" not in page:
            fail("the unsubscribe page does not show the address and a button")
        if api("/api/v1/emails?status=suppressed")["total"] != 0:
            fail("opening the unsubscribe page suppressed something")
        done = urllib.request.urlopen(urllib.request.Request(
            link, data=b"List-Unsubscribe=One-Click", headers={"Content-Type": "application/x-www-form-urlencoded"})).read().decode()
        if "You are unsubscribed" not in done:
            fail("the one-click unsubscribe did not say it was done")
        print("ok the unsubscribe link: a forged one is refused, the one-click POST unsubscribes")
    finally:
        server.terminate()
        server.wait()

    # The next start sends last month's report: to boss@, not to the unsubscribed alerts@; this time through a server
    # that wants STARTTLS and a password (AUTH only after TLS).
    authenticator = Authenticator()
    secure_port = free_port()
    secure = Controller(
        inbox, hostname="127.0.0.1", port=secure_port, tls_context=tls_context(), require_starttls=True,
        authenticator=authenticator, auth_require_tls=True)
    secure.start()
    write_config(config, secure_port, ["alerts@example.com", "boss@example.com"], secure=True)
    before = len(inbox.to("alerts@example.com"))
    server, log = start_server(config, port, db, os.path.join(WORK, "serve2.log"))
    try:
        report = inbox.wait(lambda r, m: "boss@example.com" in r, "monthly report", seconds=180)[0]
        text, body = parts(report)
        if not report["Subject"].startswith("Vitals monthly report for ") or not body or "<svg" not in body:
            fail("the monthly report email is not the HTML report")
        time.sleep(3)
        if len(inbox.to("alerts@example.com")) != before:
            fail("the unsubscribed address got another email")
        request = urllib.request.Request(base + "/api/v1/emails?kind=report&status=suppressed", headers={"Authorization": "Bearer " + key})
        suppressed = json.load(urllib.request.urlopen(request))
        if suppressed["total"] != 1 or suppressed["emails"][0]["to"] != "alerts@example.com":
            fail(f"the report to the unsubscribed address is not logged as suppressed: {suppressed}")
        print(f"ok the monthly report ({report['Subject']}) arrived for boss@; the unsubscribed address got none")
        if not authenticator.signed_in:
            fail("the report came without signing in")
        print(f"ok sent over STARTTLS after signing in with AUTH {authenticator.signed_in[0]}")
    finally:
        server.terminate()
        server.wait()
        controller.stop()
        secure.stop()
    print("e2e-email: all checks passed")


main()
