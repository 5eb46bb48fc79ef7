"""Hosted surveys end to end (see scripts/e2e-surveys): a ticket resolved through the API gets its CSAT invitation;
headless Chromium opens the link, answers 4 with a comment; GET /api/v1/kpis shows the CSAT and the response rate;
the same link then says it was used; a forged link stores nothing; the same contact is not asked again within the
recontact limit.

The invitation is read at the SMTP server (aiosmtpd, started here on SMTP_PORT) the mailer sends it to."""
import datetime
import email
import email.policy
import json
import os
import re
import sqlite3
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

BASE, KEY, READ_KEY, DB, SHOTS = (os.environ[k] for k in ("BASE", "KEY", "READ_KEY", "DB", "SHOTS"))
failures = []


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))
    if not ok:
        failures.append(name)


def api(path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        BASE + path, data=data, method="POST" if data else "GET",
        headers={"Authorization": f"Bearer {KEY if data else READ_KEY}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def stamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


received = []
from aiosmtpd.controller import Controller


class Keep:
    async def handle_DATA(self, server, session, envelope):
        received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


smtp = Controller(Keep(), hostname="127.0.0.1", port=int(os.environ["SMTP_PORT"]))
smtp.start()


def survey_emails():
    """The survey emails so far: (recipient, text body)."""
    out = []
    for message in received:
        part = message.get_body(preferencelist=("plain",))
        out.append((message["To"], part.get_content() if part else ""))
    return out


def wait_for_emails(count, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        found = survey_emails()
        if len(found) >= count:
            return found
        time.sleep(0.5)
    return survey_emails()


now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
api("/api/v1/accounts", [{"account_id": "acme", "name": "Acme"}])
api("/api/v1/contacts", [{"contact_id": "c1", "account_id": "acme", "name": "Ann", "email": "ann@acme.example", "primary": True}])
api("/api/v1/tickets", [{
    "ticket_id": "T-1", "account_id": "acme", "opened_at": stamp(now - datetime.timedelta(hours=3)),
    "resolved_at": stamp(now - datetime.timedelta(minutes=1)), "contact_id": "c1"}])

found = wait_for_emails(1)
check("the CSAT invitation arrives at the SMTP server", len(found) == 1, found)
recipient, text = found[0] if found else ("", "")
check("it is addressed to the ticket's contact", "ann@acme.example" in recipient, recipient)
links = re.findall(r"(http://\S+/s/[A-Za-z0-9_\-.]+)(\?score=\d+)?", text)
link = links[-1][0] if links else ""
check("it holds one link per score (1-5) and the survey link", len(links) == 6 and all(l[0] == link for l in links), links)
check("it holds the unsubscribe link", "/unsubscribe/" in text, text)

options = webdriver.ChromeOptions()
for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1440,900"):
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(60)
try:
    driver.get(link)
    check("the link opens the CSAT question", "How satisfied are you" in driver.page_source, driver.title)
    driver.save_screenshot(f"{SHOTS}/survey-1440.png")
    driver.set_window_size(390, 844)
    driver.save_screenshot(f"{SHOTS}/survey-390.png")
    radios = driver.find_elements(By.CSS_SELECTOR, "input[type=radio][name=score]")
    check("five labelled scores", len(radios) == 5 and all(r.get_attribute("aria-label") for r in radios))
    # The radio button covers its box, as a person taps it.
    driver.find_element(By.CSS_SELECTOR, "input[name=score][value='4']").click()
    driver.find_element(By.ID, "comment").send_keys("Quick and kind")
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    time.sleep(0.5)
    check("the thank-you page", "Thank you!" in driver.page_source, driver.page_source[:300])
    driver.save_screenshot(f"{SHOTS}/survey-thanks-390.png")

    month = now.strftime("%Y-%m")
    period = api(f"/api/v1/kpis?from={month}&to={month}")["periods"][-1]
    check("GET /api/v1/kpis shows the CSAT (4 of 1-5 is satisfied: 1)", period.get("csat") == 1, period.get("csat"))
    check("and the response rate (1 invitation, answered)", period.get("survey_response_rate") == {"csat": 1}, period.get("survey_response_rate"))

    driver.get(link)
    check("the same link again says it was already used", "already answered" in driver.page_source, driver.page_source[:300])
    driver.get(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))
    check("a forged link says it is not valid", "This link is not valid" in driver.page_source, driver.page_source[:300])
    driver.save_screenshot(f"{SHOTS}/survey-forged-390.png")
finally:
    driver.quit()

# A second ticket of the same contact, resolved now: within min_days_between_surveys (30), no second invitation.
api("/api/v1/tickets", [{
    "ticket_id": "T-2", "account_id": "acme", "opened_at": stamp(now - datetime.timedelta(hours=1)),
    "resolved_at": stamp(now - datetime.timedelta(seconds=30)), "contact_id": "c1"}])
time.sleep(4)
check("the recontact limit holds: still one invitation", len(survey_emails()) == 1, survey_emails())
with sqlite3.connect(DB) as db:
    rows = db.execute("SELECT score, comment, source FROM survey_response").fetchall()
check("one response stored, source vitals", rows == [(4.0, "Quick and kind", "vitals")], rows)
if smtp:
    smtp.stop()
print(f"{'FAIL' if failures else 'ok'}: surveys e2e, {len(failures)} failed" + (" (" + ", ".join(failures) + ")" if failures else ""))
sys.exit(1 if failures else 0)
