"""End-to-end checks of the connectors against a running `vitals serve`, with the vendors' official clients.

Run by scripts/e2e-connectors, which builds Vitals, creates the venv, the store, the keys and starts the server, and
passes: BASE (server address), VITALS (binary), DB (store file), INGEST_KEY / READ_KEY (workspace "shop"),
BACKFILL_READ_KEY (workspace "backfill"), SECRET (the Stripe endpoint secret of "shop").

Every expected KPI is worked out by hand in the comments (and in docs/integrations/)."""

import gzip
import json
import logging
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone

import requests
import stripe
from posthog import Posthog
from segment.analytics import Client as SegmentClient

from fake_stripe import FakeStripe, ts

BASE, VITALS, DB = os.environ["BASE"], os.environ["VITALS"], os.environ["DB"]
INGEST, READ, BACKFILL_READ, SECRET = os.environ["INGEST_KEY"], os.environ["READ_KEY"], os.environ["BACKFILL_READ_KEY"], os.environ["SECRET"]
SUPPORT_READ, STRIPECSV_READ = os.environ["SUPPORT_READ_KEY"], os.environ["STRIPECSV_READ_KEY"]
EXPORTS = "Tests/Fixtures/vendor-exports"
logging.getLogger("segment").setLevel(logging.CRITICAL)
logging.getLogger("posthog").setLevel(logging.CRITICAL)

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def kpis(key, period_from, period_to):
    r = requests.get(f"{BASE}/api/v1/kpis", params={"from": period_from, "to": period_to}, headers={"Authorization": f"Bearer {key}"})
    r.raise_for_status()
    return r.json()["periods"]


def column(rows, kpi):
    return [row[kpi] for row in rows]


def accounts(key):
    r = requests.get(f"{BASE}/api/v1/accounts", params={"limit": 1000}, headers={"Authorization": f"Bearer {key}"})
    r.raise_for_status()
    return {a["account_id"]: a for a in r.json()["accounts"]}


def at(y, m, d, h=0, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=timezone.utc)


# --- Stripe: webhooks signed by stripe-python -------------------------------------------------------------------

def sub_current(sid, cid, status, start, amount, quantity, trial=None, ended=None, discounts=()):
    return {"id": sid, "object": "subscription", "customer": cid, "status": status, "start_date": start, "created": start,
            "trial_start": trial[0] if trial else None, "trial_end": trial[1] if trial else None, "cancel_at": None,
            "cancel_at_period_end": False, "canceled_at": ended, "ended_at": ended, "discounts": list(discounts),
            "items": {"object": "list", "has_more": False, "data": [
                {"id": f"si_{sid}", "object": "subscription_item", "quantity": quantity, "current_period_start": start,
                 "current_period_end": start + 30 * 86400,
                 "price": {"id": f"price_{amount}", "object": "price", "currency": "usd", "unit_amount": amount, "nickname": "Pro",
                           "product": "prod_core", "recurring": {"interval": "month", "interval_count": 1, "usage_type": "licensed"}}}]}}


def sub_older(sid, cid, start, amount, percent_off):
    return {"id": sid, "object": "subscription", "customer": cid, "status": "active", "start_date": start, "created": start,
            "current_period_start": start, "current_period_end": start + 365 * 86400, "cancel_at_period_end": False,
            "cancel_at": None, "trial_start": None, "trial_end": None, "ended_at": None, "quantity": 1,
            "plan": {"id": "plan_annual", "object": "plan", "amount": amount, "currency": "usd", "interval": "year",
                     "interval_count": 1, "nickname": "Annual", "product": "prod_core"},
            "discount": {"id": "di_1", "object": "discount", "coupon": {"id": "TEN", "percent_off": percent_off,
                                                                         "amount_off": None, "duration": "forever"},
                         "start": start, "end": None}}


def event(eid, etype, created, obj):
    return {"id": eid, "object": "event", "api_version": "2025-03-31.basil", "type": etype, "created": created,
            "livemode": False, "pending_webhooks": 1, "data": {"object": obj}}


def customer(cid, name, created, account=None):
    metadata = {"tier": "gold"} | ({"vitals_account_id": account} if account else {})
    return {"id": cid, "object": "customer", "name": name, "email": f"billing@{name.lower()}.test", "created": created,
            "address": {"country": "US"}, "metadata": metadata}


def stripe_events():
    t = ts
    a = sub_current("sub_A", "cus_A", "active", t(2024, 1, 15), 5000, 2)
    a3 = sub_current("sub_A", "cus_A", "active", t(2024, 1, 15), 5000, 3)
    b = sub_older("sub_B", "cus_B", t(2024, 2, 1), 120000, 10)
    trial = (t(2024, 2, 1), t(2024, 2, 15))
    c = sub_current("sub_C", "cus_C", "trialing", t(2024, 2, 1), 3000, 1, trial=trial)
    c2 = sub_current("sub_C", "cus_C", "active", t(2024, 2, 1), 3000, 1, trial=trial)
    c3 = sub_current("sub_C", "cus_C", "canceled", t(2024, 2, 1), 3000, 1, trial=trial, ended=t(2024, 4, 1))
    half = {"id": "di_rep", "object": "discount", "source": {"type": "coupon", "coupon": {
        "id": "HALF", "percent_off": 50, "duration": "repeating", "duration_in_months": 2}}, "start": t(2024, 2, 1), "end": t(2024, 4, 1)}
    d = sub_current("sub_D", "cus_D", "active", t(2024, 2, 1), 4000, 1, discounts=[half])
    one_off = {"id": "in_oneoff", "object": "invoice", "customer": "cus_A", "currency": "usd", "amount_paid": 25000,
               "status": "paid", "status_transitions": {"paid_at": t(2024, 3, 3)}, "parent": None, "lines": {"data": []}}
    return [
        # cus_A is the product's account "acme" (the groupId its Segment calls use): billing and usage meet there.
        event("evt_1", "customer.created", t(2024, 1, 15), customer("cus_A", "Acme", t(2024, 1, 15), account="acme")),
        event("evt_2", "customer.subscription.created", t(2024, 1, 15), a),
        event("evt_3", "customer.created", t(2024, 2, 1), customer("cus_B", "Globex", t(2024, 2, 1))),
        event("evt_4", "customer.subscription.created", t(2024, 2, 1), b),
        event("evt_5", "customer.subscription.created", t(2024, 2, 1), c),
        event("evt_6", "customer.subscription.updated", t(2024, 2, 15) + 90, c2),
        event("evt_7", "customer.subscription.created", t(2024, 2, 1), d),
        event("evt_8", "invoice.paid", t(2024, 3, 3), one_off),
        event("evt_9", "customer.subscription.updated", t(2024, 3, 15), a3),
        event("evt_10", "customer.subscription.deleted", t(2024, 4, 1) + 30, c3),
    ]


def post_webhook(payload, header):
    return requests.post(f"{BASE}/webhooks/stripe/shop", data=payload.encode(), headers={"Stripe-Signature": header, "Content-Type": "application/json"})


def test_stripe_webhooks():
    statuses = []
    for e in stripe_events():
        payload = json.dumps(e)
        header = stripe.WebhookSignature.generate_signature_header(payload, SECRET)
        # The header is what stripe-python itself accepts.
        stripe.Webhook.construct_event(payload, header, SECRET)
        statuses.append(post_webhook(payload, header).status_code)
    check("stripe: 10 signed events accepted", statuses == [200] * 10, statuses)
    rows = kpis(READ, "2024-01", "2024-04")
    # Jan: A 2 x 50 = 100. Feb: + B 1200 x 0.9 / 12 = 90, C 30 after its trial (15 Feb), D 40 x 50 % = 20 -> 240.
    # Mar: A 3 seats from 15 March (+50) -> 290. Apr: C ends 1 April (-30), D's discount ends (+20) -> 280.
    check("stripe: mrr 100, 240, 290, 280", column(rows, "mrr") == [100, 240, 290, 280], column(rows, "mrr"))
    check("stripe: new_mrr 100, 140, 0, 0", column(rows, "new_mrr") == [100, 140, 0, 0], column(rows, "new_mrr"))
    check("stripe: expansion_mrr 0, 0, 50, 20", column(rows, "expansion_mrr") == [0, 0, 50, 20], column(rows, "expansion_mrr"))
    check("stripe: churned_mrr 0, 0, 0, 30", column(rows, "churned_mrr") == [0, 0, 0, 30], column(rows, "churned_mrr"))
    known = accounts(READ)
    check("stripe: customers are accounts with their details (cus_A as acme, its vitals_account_id)",
          "cus_A" not in known and known["acme"]["name"] == "Acme" and known["acme"]["country"] == "US"
          and known["acme"]["attributes"].get("metadata_tier") == "gold" and known["cus_B"]["name"] == "Globex", known.get("acme"))

    # A replay: the same event again, freshly signed (a redelivery) is acknowledged and changes nothing...
    first = stripe_events()[8]
    payload = json.dumps(first)
    r = post_webhook(payload, stripe.WebhookSignature.generate_signature_header(payload, SECRET))
    check("stripe: a redelivered event is acknowledged as a duplicate", r.status_code == 200 and r.json()["duplicate"] is True, r.text)
    # ...and a captured request replayed after the 5-minute tolerance is refused.
    stale = stripe.WebhookSignature.generate_signature_header(payload, SECRET, timestamp=int(time.time()) - 600)
    check("stripe: a replay outside the tolerance is 400", post_webhook(payload, stale).status_code == 400)
    # New events with a wrong secret, a tampered body or no signature: 400, nothing stored.
    evil = json.dumps(event("evt_evil", "customer.subscription.created", ts(2024, 3, 1),
                            sub_current("sub_EVIL", "cus_EVIL", "active", ts(2024, 3, 1), 999900, 10)))
    wrong = post_webhook(evil, stripe.WebhookSignature.generate_signature_header(evil, "whsec_wrong"))
    good_header = stripe.WebhookSignature.generate_signature_header(evil, SECRET)
    tampered = post_webhook(evil.replace("999900", "999901"), good_header)
    unsigned = requests.post(f"{BASE}/webhooks/stripe/shop", data=evil.encode())
    check("stripe: wrong secret, tampered body, no signature are 400",
          [wrong.status_code, tampered.status_code, unsigned.status_code] == [400, 400, 400],
          [wrong.status_code, tampered.status_code, unsigned.status_code])
    check("stripe: nothing of the refused events is stored",
          "cus_EVIL" not in accounts(READ) and column(kpis(READ, "2024-01", "2024-04"), "mrr") == [100, 240, 290, 280])


# --- Stripe: backfill against a local stand-in of the list endpoints ----------------------------------------------

def test_stripe_backfill():
    fake = FakeStripe(api_key="sk_test_e2e")
    try:
        # The stand-in pages exactly as stripe-python's StripeClient expects (has_more / starting_after).
        client = stripe.StripeClient("sk_test_e2e", base_addresses={"api": fake.base})
        ids = [c.id for c in client.v1.customers.list({"limit": 2}).auto_paging_iter()]
        subs = [s.id for s in client.v1.subscriptions.list({"status": "all", "limit": 2}).auto_paging_iter()]
        check("stripe-python pages the stand-in: 3 customers, 3 subscriptions",
              ids == ["cus_X", "cus_Y", "cus_Z"] and subs == ["sub_X", "sub_Y", "sub_Z"], (ids, subs))
        fake.requests.clear()
        run = subprocess.run([VITALS, "connect", "stripe", "--api-key", "sk_test_e2e", "--api-base", fake.base, "--page-size", "2",
                              "--db", DB, "--workspace", "backfill"], capture_output=True, text=True)
        check("vitals connect stripe: backfill succeeds", run.returncode == 0, run.stdout + run.stderr)
        paged = [(path, q.get("starting_after", [None])[0], q.get("status", [None])[0]) for path, q, _ in fake.requests]
        check("vitals connect stripe: pages with starting_after, subscriptions with status=all",
              paged == [("/v1/customers", None, None), ("/v1/customers", "cus_Y", None),
                        ("/v1/subscriptions", None, "all"), ("/v1/subscriptions", "sub_Y", "all")], paged)
        check("vitals connect stripe: the key is sent as a Bearer token",
              all(auth == "Bearer sk_test_e2e" for _, _, auth in fake.requests))
        again = subprocess.run([VITALS, "connect", "stripe", "--api-key", "sk_test_e2e", "--api-base", fake.base,
                                "--db", DB, "--workspace", "backfill"], capture_output=True, text=True)
        check("vitals connect stripe: a second backfill changes nothing", again.returncode == 0 and "(0 changed" in again.stdout, again.stdout)
        bad = subprocess.run([VITALS, "connect", "stripe", "--api-key", "sk_test_wrong", "--api-base", fake.base,
                              "--db", DB, "--workspace", "backfill"], capture_output=True, text=True)
        check("vitals connect stripe: a wrong key fails with Stripe's message", bad.returncode != 0 and "Invalid API Key" in bad.stderr, bad.stderr)
    finally:
        fake.close()
    rows = kpis(BACKFILL_READ, "2024-01", "2024-05")
    # X 2 x 25 = 50 from 10 Jan; Y 600 / 12 = 50 from 1 Feb to 1 May; Z trialing 1-15 March, then 80.
    # Jan 50, Feb 100, Mar 180, Apr 180, May 130 (Y churns 50 on 1 May).
    check("backfill: mrr 50, 100, 180, 180, 130", column(rows, "mrr") == [50, 100, 180, 180, 130], column(rows, "mrr"))
    check("backfill: churned_mrr in May is 50", column(rows, "churned_mrr") == [0, 0, 0, 0, 50], column(rows, "churned_mrr"))


# --- Segment: segment-analytics-python, batched and gzipped ---------------------------------------------------------

def test_segment():
    errors = []
    client = SegmentClient(INGEST, host=BASE, gzip=True, on_error=lambda e, batch: errors.append(e), max_retries=1, upload_interval=0.1)
    client.group("u1", "acme", {"name": "Acme Inc", "industry": "Retail", "employees": 120}, timestamp=at(2024, 3, 1, 9))
    client.identify("u1", {"email": "u1@acme.test"}, timestamp=at(2024, 3, 1, 9, 1))
    client.track("u1", "Report Viewed", {"report": "mrr", "duration_seconds": 120}, timestamp=at(2024, 3, 2, 10))
    client.track("u2", "Report Viewed", context={"groupId": "acme"}, timestamp=at(2024, 3, 3, 10))
    client.page("u1", name="Pricing", timestamp=at(2024, 3, 4, 10))
    client.track("u3", "Export", context={"groupId": "globex"}, timestamp=at(2024, 3, 5, 10), message_id="seg-export-u3")
    client.flush()
    client.join()
    check("segment: the batch is accepted", not errors, errors)
    # A resend of the same message id is a duplicate.
    again = SegmentClient(INGEST, host=BASE, gzip=True, sync_mode=True, on_error=lambda e, batch: errors.append(e))
    again.track("u3", "Export", context={"groupId": "globex"}, timestamp=at(2024, 3, 5, 10), message_id="seg-export-u3")
    known = accounts(READ)
    check("segment: the group call names and describes the account",
          known.get("acme", {}).get("name") == "Acme Inc" and known["acme"]["industry"] == "Retail"
          and known["acme"]["attributes"].get("employees") == "120", known.get("acme"))
    check("segment: an account named only by context.groupId is created", "globex" in known)
    # acme pays (cus_A, now 3 seats x 50.00) and uses the product: one account.
    check("segment + stripe: acme's MRR is 150 on the same account", known["acme"]["mrr"] == 150, known["acme"]["mrr"])


def test_segment_rejections():
    before = kpis(READ, "2024-03", "2024-03")[0]
    errors = []
    bogus = SegmentClient("vk_000000000000_" + "0" * 48, host=BASE, gzip=True, sync_mode=True, max_retries=0,
                          on_error=lambda e, batch: errors.append(e))
    try:
        bogus.track("u66", "Sneaky", context={"groupId": "evilcorp"}, timestamp=at(2024, 3, 20))
    except Exception as e:  # sync mode raises the API error
        errors.append(e)
    check("segment: an unknown write key is 401", any(getattr(e, "status", None) == 401 for e in errors), errors)
    auth = ("Authorization", "Basic " + __import__("base64").b64encode(f"{INGEST}:".encode()).decode())
    blob = "x" * (33 * 1024)
    big_message = {"batch": [{"type": "track", "messageId": str(uuid.uuid4()), "userId": "u77", "event": "Big",
                              "context": {"groupId": "evilcorp"}, "timestamp": "2024-03-20T00:00:00Z", "properties": {"blob": blob}}]}
    r = requests.post(f"{BASE}/v1/batch", data=gzip.compress(json.dumps(big_message).encode()),
                      headers={auth[0]: auth[1], "Content-Encoding": "gzip", "Content-Type": "application/json"})
    check("segment: a message over 32 KB is 413", r.status_code == 413, r.status_code)
    many = {"batch": [{"type": "track", "messageId": str(uuid.uuid4()), "userId": "u77", "event": "Many", "context": {"groupId": "evilcorp"},
                       "timestamp": "2024-03-20T00:00:00Z", "properties": {"blob": "y" * (20 * 1024)}} for _ in range(30)]}
    r = requests.post(f"{BASE}/v1/batch", data=gzip.compress(json.dumps(many).encode()),
                      headers={auth[0]: auth[1], "Content-Encoding": "gzip", "Content-Type": "application/json"})
    check("segment: a batch over 500 KB (decompressed) is 413", r.status_code == 413, r.status_code)
    r = requests.post(f"{BASE}/v1/batch", json={"batch": [{"type": "track", "userId": "u77", "context": {"groupId": "evilcorp"}}]},
                      headers={auth[0]: auth[1]})
    check("segment: a track without an event name is 400", r.status_code == 400, r.status_code)
    r = requests.post(f"{BASE}/v1/batch", json={"batch": []}, auth=(READ, ""))
    check("segment: a read-only key is 403", r.status_code == 403, r.status_code)
    after = kpis(READ, "2024-03", "2024-03")[0]
    check("segment: nothing of the refused requests is stored",
          after["active_users"] == before["active_users"] and "evilcorp" not in accounts(READ))


# --- PostHog: posthog-python with groups ---------------------------------------------------------------------------

def test_posthog():
    posthog = Posthog(INGEST, host=BASE, gzip=True, sync_mode=True, max_retries=0)
    posthog.group_identify("company", "initech", {"name": "Initech", "industry": "Software"})
    posthog.capture("dashboard_opened", distinct_id="u9", groups={"company": "initech"}, timestamp=at(2024, 3, 8, 9),
                    properties={"plan": "pro"})
    posthog.capture("dashboard_opened", distinct_id="u9", groups={"company": "initech"}, timestamp=at(2024, 3, 9, 9))
    posthog.shutdown()
    known = accounts(READ)
    check("posthog: group_identify creates the account", known.get("initech", {}).get("name") == "Initech", known.get("initech"))
    logging.disable(logging.CRITICAL)  # posthog logs the 401 with a traceback: expected here
    try:
        bogus = Posthog("vk_ffffffffffff_" + "f" * 48, host=BASE, sync_mode=True, max_retries=0)
        bogus.capture("sneaky", distinct_id="u66", groups={"company": "evilcorp"}, timestamp=at(2024, 3, 20))
        bogus.shutdown()
    finally:
        logging.disable(logging.NOTSET)
    r = requests.post(f"{BASE}/batch/", json={"api_key": "vk_ffffffffffff_" + "f" * 48, "batch": []})
    check("posthog: an unknown api_key is 401", r.status_code == 401, r.status_code)
    check("posthog: nothing of the unknown key's events is stored", "evilcorp" not in accounts(READ))


def test_usage_kpis():
    row = kpis(READ, "2024-03", "2024-03")[0]
    # March: Segment users u1 (via its group call), u2, u3 and PostHog's u9: 4 active users; accounts acme, globex,
    # initech: 3 (the anonymous page view is not attributed to any account, and u1's page view is acme's).
    check("usage: active_users 4, active_accounts 3", (row["active_users"], row["active_accounts"]) == (4, 3),
          (row["active_users"], row["active_accounts"]))
    # Billing is untouched by usage: March MRR is still 290.
    check("usage: mrr unchanged", row["mrr"] == 290, row["mrr"])


# --- Vendor exports through `vitals import` ------------------------------------------------------------------------

def vitals_import(workspace, *args):
    return subprocess.run([VITALS, "import", "--db", DB, "--workspace", workspace, *args], capture_output=True, text=True)


def test_vendor_imports():
    # HubSpot first (auto-detected by its header), so that Zendesk's and SurveyMonkey's company names match accounts.
    steps = [vitals_import("support", f"{EXPORTS}/hubspot-companies.csv"),
             vitals_import("support", "--format", "zendesk", f"{EXPORTS}/zendesk-tickets.csv"),
             vitals_import("support", f"{EXPORTS}/surveymonkey.csv"),
             vitals_import("support", "--format", "survey", f"{EXPORTS}/csat.csv"),
             vitals_import("stripecsv", f"{EXPORTS}/stripe-subscriptions.csv")]
    check("vitals import: five vendor exports", all(s.returncode == 0 for s in steps), [s.stderr for s in steps if s.returncode])
    bad = vitals_import("support", "--format", "zendesk", f"{EXPORTS}/zendesk-bad.csv")
    expected = ["zendesk-bad.csv:3: Organization: unknown account 'Umbrella'", "zendesk-bad.csv:4: Created at: 'yesterday' is not a date and time",
                "zendesk-bad.csv:4: Replies: 'two' is not a whole number from 0 to 100000"]
    check("vitals import: a bad export lists every problem as file:line: column: reason",
          bad.returncode != 0 and all(e in bad.stderr for e in expected), bad.stderr)
    known = accounts(SUPPORT_READ)
    check("hubspot: companies are accounts with their properties",
          known["5001"]["name"] == "Acme" and known["5001"]["csm"] == "Ana Lopez"
          # touch is the health model's touch tier (docs/health.md): no revenue, so tech touch.
          and known["5001"]["attributes"] == {"company_domain_name": "acme.test", "number_of_employees": "120", "touch": "tech"}, known.get("5001"))
    row = kpis(SUPPORT_READ, "2024-03", "2024-03")[0]
    # Zendesk: 4 opened; resolved 101 (1 reply), 102 (3), 103 (0): one-touch 2 of 3; times 2 h, 24 h, 2 h: median 2.
    # (zendesk-bad.csv stored nothing: still 4.)
    check("zendesk: tickets_opened 4, fcr_rate 2/3, median_resolution_hours 2",
          row["tickets_opened"] == 4 and abs(row["fcr_rate"] - 2 / 3) < 1e-4 and row["median_resolution_hours"] == 2,
          (row["tickets_opened"], row["fcr_rate"], row["median_resolution_hours"]))
    # SurveyMonkey: 10, 9, 6 (1004 skipped): NPS = 100 x (2 - 1) / 3 = 33.3. Generic CSAT: 5 and 2: 1 of 2 satisfied.
    check("surveymonkey: nps 33.3 from 3 answers", abs(row["nps"] - 100 / 3) < 1e-2 and row["nps_responses"] == 3, (row["nps"], row["nps_responses"]))
    check("survey: csat 0.5", row["csat"] == 0.5, row["csat"])
    rows = kpis(STRIPECSV_READ, "2024-01", "2024-06")
    # sub_1 2 x 50 from 15 Jan; sub_2 1200 / 12 = 100 from 1 Feb, ended 1 June; sub_3 30 after its trial (15 Feb).
    check("stripe export: mrr 100, 230, 230, 230, 230, 130", column(rows, "mrr") == [100, 230, 230, 230, 230, 130], column(rows, "mrr"))


for test in [test_vendor_imports, test_stripe_webhooks, test_stripe_backfill, test_segment, test_segment_rejections, test_posthog, test_usage_kpis]:
    try:
        test()
    except Exception as e:  # a crash is a failure of that test, the others still run
        failed += 1
        print(f"FAIL {test.__name__}: {type(e).__name__}: {e}")

print(f"e2e-connectors: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
