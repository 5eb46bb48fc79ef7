"""A local stand-in for Stripe's list endpoints (GET /v1/customers, GET /v1/subscriptions), paged as Stripe pages:
`limit` (default 10, at most 100), `starting_after` = the last id of the previous page, `has_more`.

Objects are real-shaped (trimmed): customer, and subscriptions in the current layout (items with their periods) and
the older one (plan and quantity on the subscription). Every request is recorded, so the test can check how it was
paged and which key it carried."""

import json
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def ts(y, m, d):
    return int(datetime(y, m, d, tzinfo=timezone.utc).timestamp())


def customer(cid, name, created):
    return {"id": cid, "object": "customer", "name": name, "email": f"billing@{name.lower()}.test", "created": created,
            "address": {"country": "DE"}, "metadata": {"segment": "smb"}, "livemode": False}


def price(amount, interval, product="prod_core"):
    return {"id": f"price_{amount}_{interval}", "object": "price", "currency": "usd", "unit_amount": amount,
            "nickname": None, "product": product, "recurring": {"interval": interval, "interval_count": 1, "usage_type": "licensed"}}


def current_layout(sid, cid, status, start, amount, quantity, trial=None, ended=None):
    return {"id": sid, "object": "subscription", "customer": cid, "status": status, "start_date": start, "created": start,
            "trial_start": trial[0] if trial else None, "trial_end": trial[1] if trial else None,
            "cancel_at": None, "cancel_at_period_end": False, "canceled_at": ended, "ended_at": ended, "discounts": [],
            "items": {"object": "list", "has_more": False, "data": [
                {"id": f"si_{sid}", "object": "subscription_item", "quantity": quantity, "current_period_start": start,
                 "current_period_end": start + 30 * 86400, "price": price(amount, "month")}]}}


def older_layout(sid, cid, status, start, amount, ended=None):
    return {"id": sid, "object": "subscription", "customer": cid, "status": status, "start_date": start, "created": start,
            "current_period_start": start, "current_period_end": start + 365 * 86400, "cancel_at": None,
            "cancel_at_period_end": False, "canceled_at": ended, "ended_at": ended, "trial_start": None, "trial_end": None,
            "quantity": 1, "discount": None,
            "plan": {"id": "plan_annual", "object": "plan", "amount": amount, "currency": "usd", "interval": "year",
                     "interval_count": 1, "product": "prod_core", "nickname": "Annual"}}


# X: 2 x 25.00 a month from 2024-01-10. Y (older layout): 600.00 a year from 2024-02-01, canceled, ended 2024-05-01.
# Z: trial 2024-03-01 to 2024-03-15, then 80.00 a month.
CUSTOMERS = [customer("cus_X", "Xylo", ts(2024, 1, 10)), customer("cus_Y", "Yak", ts(2024, 2, 1)),
             customer("cus_Z", "Zed", ts(2024, 3, 1))]
SUBSCRIPTIONS = [
    current_layout("sub_X", "cus_X", "active", ts(2024, 1, 10), 2500, 2),
    older_layout("sub_Y", "cus_Y", "canceled", ts(2024, 2, 1), 60000, ended=ts(2024, 5, 1)),
    current_layout("sub_Z", "cus_Z", "active", ts(2024, 3, 1), 8000, 1, trial=(ts(2024, 3, 1), ts(2024, 3, 15))),
]


class FakeStripe:
    def __init__(self, api_key):
        self.api_key = api_key
        self.requests = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urlparse(self.path)
                query = parse_qs(url.query)
                stand_in.requests.append((url.path, {k: v for k, v in query.items()}, self.headers.get("Authorization")))
                if self.headers.get("Authorization") != f"Bearer {stand_in.api_key}":
                    return self.reply(401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}})
                objects = {"/v1/customers": CUSTOMERS, "/v1/subscriptions": SUBSCRIPTIONS}.get(url.path)
                if objects is None:
                    return self.reply(404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized request URL (GET: {url.path})"}})
                if url.path == "/v1/subscriptions" and query.get("status", ["active"])[0] != "all":
                    objects = [s for s in objects if s["status"] not in ("canceled", "incomplete_expired")]
                limit = min(100, int(query.get("limit", ["10"])[0]))
                start = 0
                if "starting_after" in query:
                    ids = [o["id"] for o in objects]
                    start = ids.index(query["starting_after"][0]) + 1
                page = objects[start:start + limit]
                self.reply(200, {"object": "list", "url": url.path, "has_more": start + limit < len(objects), "data": page})

            def reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", "req_fake")
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
