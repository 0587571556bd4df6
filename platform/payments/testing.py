"""Test support, imported by tests only: Stripe and Razorpay as seen over HTTP: a tiny server on 127.0.0.1 answering the endpoints
Toto calls with the providers' real object shapes, plus webhook deliveries signed with the
providers' real schemes. The SDKs themselves (stripe, razorpay) run unmodified."""

import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest

STRIPE_WEBHOOK_SECRET = "whsec_test_" + "a" * 24
RAZORPAY_KEY_SECRET = "rzp_secret_test"  # noqa: S105 - test fixture
RAZORPAY_WEBHOOK_SECRET = "rzp_webhook_secret_test"  # noqa: S105 - test fixture


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(7)}"


class FakeProviders:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, Any]]] = []
        self.intents: dict[str, dict[str, Any]] = {}
        self.orders: dict[str, dict[str, Any]] = {}
        self.rzp_payments: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        # Billing invoices and the PaymentIntent that pays each (the customer's confirmation).
        self.invoices: dict[str, dict[str, Any]] = {}
        self.refund_status = "succeeded"
        # Refunds made, in order (Stripe's and Razorpay's), and Stripe's answers by
        # Idempotency-Key: the same key answers with the refund it made, as Stripe does.
        self.refunds: list[dict[str, Any]] = []
        self.idempotent: dict[str, dict[str, Any]] = {}
        # Answers to give instead of the real one: path -> [(status, body), ...], in order.
        self.failures: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        # Paths whose next request is carried out but answered 504 (the answer lost on the
        # way back, as in a timeout), and the Idempotency-Key of each POST.
        self.lost_answers: list[str] = []
        self.keys: list[tuple[str, str]] = []
        self.delay = 0.0
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _body(self) -> dict[str, Any]:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    return json.loads(raw or "{}")
                return dict(parse_qsl(raw))

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                if status >= 500:
                    # What Stripe sends when a retry in the same call would not help; keeps
                    # the SDK's own network retries out of the way of the tests.
                    self.send_header("Stripe-Should-Retry", "false")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                params = dict(parse_qsl(query))
                owner.requests.append(("GET", self.path, params))
                self._send(*owner.answer("GET", path, params))

            def do_POST(self) -> None:
                body = self._body()
                owner.requests.append(("POST", self.path, body))
                key = self.headers.get("Idempotency-Key", "")
                owner.keys.append((self.path, key))
                self._send(*owner.answer("POST", self.path.split("?")[0], body, key))

            def do_DELETE(self) -> None:
                body = self._body()
                owner.requests.append(("DELETE", self.path, body))
                self._send(*owner.answer("DELETE", self.path.split("?")[0], body))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail(self, path: str, *answers: tuple[int, dict[str, Any]]) -> None:
        """The next requests to ``path`` get these answers, e.g. ``(500, STRIPE_500)``."""
        self.failures.setdefault(path, []).extend(answers)

    # --- the provider APIs ---------------------------------------------------------------
    def answer(
        self, method: str, path: str, body: dict[str, Any], key: str = ""
    ) -> tuple[int, dict[str, Any]]:
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            if self.failures.get(path):
                return self.failures[path].pop(0)
            answer = self._answer(method, path, body, key)
            if path in self.lost_answers:
                self.lost_answers.remove(path)
                return 504, {"error": {"code": "SERVER_ERROR", "description": "Gateway timeout"}}
            return answer

    def _answer(
        self, method: str, path: str, body: dict[str, Any], key: str
    ) -> tuple[int, dict[str, Any]]:
        parts = path.strip("/").split("/")
        if path == "/v1/payment_intents" and method == "POST":
            return 200, self._create_intent(body)
        if parts[:2] == ["v1", "payment_intents"] and len(parts) == 3:
            if parts[2] not in self.intents:
                return 404, {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "resource_missing",
                        "message": "No such payment_intent",
                    }
                }
            return 200, self.intents[parts[2]]
        if path == "/v1/refunds" and method == "POST":
            if key and key in self.idempotent:
                return 200, self.idempotent[key]
            intent = self.intents.get(body.get("payment_intent", ""), {})
            refund = {
                "id": _id("re"),
                "object": "refund",
                "amount": int(body["amount"]),
                "currency": intent.get("currency", "usd"),
                "charge": intent.get("latest_charge"),
                "payment_intent": body.get("payment_intent"),
                "status": self.refund_status,
                "metadata": {k[9:-1]: v for k, v in body.items() if k.startswith("metadata[")},
                "created": int(time.time()),
                "reason": None,
            }
            self.refunds.append(refund)
            if key:
                self.idempotent[key] = refund
            return 200, refund
        if path == "/v1/invoice_payments" and method == "GET":
            return 200, self._invoice_payments(body.get("invoice", ""))
        if path == "/v1/customers" and method == "POST":
            return 200, {"id": _id("cus"), "object": "customer", "email": body.get("email")}
        if path == "/v1/subscriptions" and method == "POST":
            return 200, self._create_subscription(body)
        if parts[:2] == ["v1", "subscriptions"] and len(parts) == 3:
            return self._change_subscription(method, parts[2], body)
        if path == "/v1/transfers" and method == "POST":
            return 200, {
                "id": _id("tr"),
                "object": "transfer",
                "amount": int(body["amount"]),
                "currency": body["currency"],
                "destination": body["destination"],
                "reversed": False,
                "created": int(time.time()),
            }
        if path == "/v1/orders" and method == "POST":
            order = {
                "id": _id("order"),
                "entity": "order",
                "amount": body["amount"],
                "amount_paid": 0,
                "amount_due": body["amount"],
                "currency": body["currency"],
                "receipt": body.get("receipt"),
                "offer_id": None,
                "status": "created",
                "attempts": 0,
                "notes": body.get("notes", {}),
                "created_at": int(time.time()),
            }
            self.orders[order["id"]] = order
            return 200, order
        if parts[:2] == ["v1", "orders"] and len(parts) == 4 and parts[3] == "payments":
            items = [p for p in self.rzp_payments.values() if p["order_id"] == parts[2]]
            return 200, {"entity": "collection", "count": len(items), "items": items}
        if parts[:2] == ["v1", "payments"] and len(parts) == 3:
            return 200, self.rzp_payments[parts[2]]
        if parts[:2] == ["v1", "payments"] and parts[3:] == ["refunds"] and method == "GET":
            items = [r for r in self.refunds if r.get("payment_id") == parts[2]]
            return 200, {"entity": "collection", "count": len(items), "items": items}
        if parts[:2] == ["v1", "payments"] and len(parts) == 4 and parts[3] == "refund":
            refund = {
                "id": _id("rfnd"),
                "entity": "refund",
                "amount": body["amount"],
                "currency": self.rzp_payments[parts[2]]["currency"],
                "payment_id": parts[2],
                "notes": body.get("notes", {}),
                "status": "processed",
                "speed_processed": "normal",
                "created_at": int(time.time()),
            }
            self.refunds.append(refund)
            return 200, refund
        return 404, {"error": {"message": f"fake has no {method} {path}"}}

    def _create_intent(self, body: dict[str, Any]) -> dict[str, Any]:
        intent_id = _id("pi")
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": int(body["amount"]),
            "amount_capturable": 0,
            "amount_received": 0,
            "currency": body["currency"],
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
            "status": "requires_payment_method",
            "description": body.get("description"),
            "metadata": {k[9:-1]: v for k, v in body.items() if k.startswith("metadata[")},
            "payment_method_types": [
                v for k, v in sorted(body.items()) if k.startswith("allowed_payment_method_types[")
            ],
            "latest_charge": None,
            "livemode": False,
            "created": int(time.time()),
        }
        self.intents[intent_id] = intent
        return intent

    def _invoice_payments(self, invoice_id: str) -> dict[str, Any]:
        paid = [
            {
                "id": _id("inpay"),
                "object": "invoice_payment",
                "invoice": invoice_id,
                "is_default": True,
                "status": "paid",
                "amount_paid": invoice["amount_due"],
                "currency": invoice["currency"],
                "payment": {"type": "payment_intent", "payment_intent": invoice["payment_intent"]},
            }
            for invoice in self.invoices.values()
            if invoice["id"] == invoice_id
        ]
        return {"object": "list", "data": paid, "has_more": False, "url": "/v1/invoice_payments"}

    def _change_subscription(
        self, method: str, subscription_id: str, body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        subscription = self.subscriptions.get(subscription_id)
        if subscription is None:
            return 404, {
                "error": {
                    "type": "invalid_request_error",
                    "code": "resource_missing",
                    "message": f"No such subscription: '{subscription_id}'",
                }
            }
        if method == "GET":
            return 200, subscription
        if subscription["status"] == "canceled":
            return 400, {
                "error": {
                    "type": "invalid_request_error",
                    "message": "A canceled subscription can only update its cancellation_details.",
                }
            }
        if method == "DELETE":
            subscription.update(status="canceled", canceled_at=int(time.time()))
        elif "cancel_at_period_end" in body:
            subscription["cancel_at_period_end"] = body["cancel_at_period_end"] == "true"
        return 200, subscription

    def _create_subscription(self, body: dict[str, Any]) -> dict[str, Any]:
        invoice_id, intent_id = _id("in"), _id("pi")
        subscription = {
            "id": _id("sub"),
            "object": "subscription",
            "status": "incomplete",
            "customer": body["customer"],
            "items": {
                "object": "list",
                "data": [
                    {
                        "id": _id("si"),
                        "object": "subscription_item",
                        "price": {"id": body["items[0][price]"], "object": "price"},
                    }
                ],
            },
            "latest_invoice": {
                "id": invoice_id,
                "object": "invoice",
                "amount_due": 999,
                "amount_paid": 0,
                "currency": "usd",
                "status": "open",
                "confirmation_secret": {
                    "client_secret": f"{intent_id}_secret_x",
                    "type": "payment_intent",
                },
            },
            "metadata": {k[9:-1]: v for k, v in body.items() if k.startswith("metadata[")},
            "cancel_at_period_end": False,
            "canceled_at": None,
        }
        self.subscriptions[subscription["id"]] = subscription
        self.invoices[invoice_id] = {
            "id": invoice_id,
            "amount_due": 999,
            "currency": "usd",
            "payment_intent": intent_id,
        }
        return subscription

    def fail_refund(
        self, refund_id: str, reason: str = "expired_or_canceled_card"
    ) -> dict[str, Any]:
        """The bank gives up on a refund the provider had accepted: Stripe's refund turns
        ``failed`` with a ``failure_reason``, Razorpay's ``failed``. Returns the refund as
        the provider now shows it (the object its webhooks carry)."""
        with self.lock:
            refund = next(r for r in self.refunds if r["id"] == refund_id)
            if refund.get("object") == "refund":
                refund.update(status="failed", failure_reason=reason)
            else:
                refund.update(status="failed")
            return dict(refund)

    # --- what the customer does in the provider's widget -------------------------------------
    def pay_intent(self, intent_id: str, amount: int | None = None) -> dict[str, Any]:
        intent = self.intents[intent_id]
        charge_id = _id("ch")
        intent.update(
            status="succeeded", amount_received=amount or intent["amount"], latest_charge=charge_id
        )
        return intent

    def pay_order(
        self, order_id: str, amount: int | None = None, card: str = "card_X1"
    ) -> dict[str, Any]:
        order = self.orders[order_id]
        payment = {
            "id": _id("pay"),
            "entity": "payment",
            "amount": amount or order["amount"],
            "currency": order["currency"],
            "status": "captured",
            "order_id": order_id,
            "invoice_id": None,
            "international": False,
            "method": "card",
            "amount_refunded": 0,
            "refund_status": None,
            "captured": True,
            "description": None,
            "card_id": card,
            "card": {
                "id": card,
                "entity": "card",
                "last4": "1111",
                "network": "Visa",
                "type": "credit",
            },
            "email": "buyer@example.com",
            "contact": "+919000090000",
            "notes": order["notes"],
            "fee": 1900,
            "tax": 290,
            "error_code": None,
            "created_at": int(time.time()),
        }
        order.update(status="paid", amount_paid=payment["amount"], amount_due=0, attempts=1)
        self.rzp_payments[payment["id"]] = payment
        return payment


STRIPE_500 = {"error": {"type": "api_error", "message": "An unknown error occurred."}}
STRIPE_ALREADY_REFUNDED = {
    "error": {
        "type": "invalid_request_error",
        "code": "charge_already_refunded",
        "message": "Charge ch_1 has already been refunded.",
    }
}
RAZORPAY_500 = {
    "error": {"code": "SERVER_ERROR", "description": "The server encountered an error."}
}


def stripe_event(
    event_type: str,
    obj: dict[str, Any],
    secret: str = STRIPE_WEBHOOK_SECRET,
    event_id: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    """A Stripe event in its real envelope, signed t=…,v1=HMAC-SHA256(secret, "t.payload")."""
    event = {
        "id": event_id or _id("evt"),
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }
    payload = json.dumps(event).encode()
    timestamp = int(time.time())
    signature = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256
    ).hexdigest()
    return payload, {"HTTP_STRIPE_SIGNATURE": f"t={timestamp},v1={signature}"}


def deliver_payment_succeeded(providers: "FakeProviders", payment: Any, client: Any = None) -> Any:
    """Stripe pays ``payment``'s PaymentIntent and delivers the signed
    ``payment_intent.succeeded`` to the server's webhook (through ``client``, a Django test
    client, or a fresh one), as Stripe would; the webhook must accept it."""
    from django.test import Client

    payload, headers = stripe_event(
        "payment_intent.succeeded", providers.pay_intent(payment.provider_order_id)
    )
    poster: Any = client or Client()
    answer = poster.post(
        "/api/v1/payments/webhooks/stripe/", payload, content_type="application/json", **headers
    )
    assert answer.status_code == 200, answer.content  # noqa: S101 - test helper
    return answer


def razorpay_event(
    event: str,
    payload: dict[str, Any],
    secret: str = RAZORPAY_WEBHOOK_SECRET,
    event_id: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    """A Razorpay webhook: X-Razorpay-Signature is HMAC-SHA256(body, webhook secret)."""
    body = json.dumps(
        {
            "entity": "event",
            "account_id": "acc_TestAccount",
            "event": event,
            "contains": list(payload),
            "payload": payload,
            "created_at": int(time.time()),
        }
    ).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {
        "HTTP_X_RAZORPAY_SIGNATURE": signature,
        "HTTP_X_RAZORPAY_EVENT_ID": event_id or _id("evt"),
    }


def razorpay_payment_signature(order_id: str, payment_id: str) -> str:
    return hmac.new(
        RAZORPAY_KEY_SECRET.encode(), f"{order_id}|{payment_id}".encode(), hashlib.sha256
    ).hexdigest()


@pytest.fixture
def providers(settings: Any) -> Iterator[FakeProviders]:
    """Stripe and Razorpay on 127.0.0.1, with the server's settings pointing at them (import
    this fixture into the conftest of the tests that pay)."""
    fake = FakeProviders()
    settings.STRIPE_SECRET_KEY = "sk_test_toto"  # noqa: S105 - test fixture
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_toto"
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.url
    settings.RAZORPAY_KEY_ID = "rzp_test_toto"
    settings.RAZORPAY_KEY_SECRET = RAZORPAY_KEY_SECRET
    settings.RAZORPAY_WEBHOOK_SECRET = RAZORPAY_WEBHOOK_SECRET
    settings.RAZORPAY_API_BASE = fake.url
    yield fake
    fake.close()
