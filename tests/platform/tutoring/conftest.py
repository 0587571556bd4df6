"""Factories for the marketplace: a verified teacher with hours and a gig in a few lines."""

from collections.abc import Callable
from datetime import time
from decimal import Decimal
from typing import Any

import pytest

from tutoring.models import (
    Gig,
    GigCategory,
    GigDuration,
    ListingStatus,
    PricingMode,
    TaughtLanguage,
    TeacherListing,
    WeeklyHours,
)

EVERY_DAY_9_TO_17 = [(day, time(9), time(17)) for day in range(7)]


@pytest.fixture
def make_listing(role_user: Callable[..., Any]) -> Callable[..., TeacherListing]:
    from accounts.roles import Role

    def make(
        user: Any = None,
        *,
        time_zone: str = "UTC",
        hours: list[tuple[int, time, time]] | None = None,
        languages: list[tuple[str, str, str]] = (("es", "A1", "C2"),),  # type: ignore[assignment]
        status: str = ListingStatus.VERIFIED,
        country: str = "ES",
        **fields: Any,
    ) -> TeacherListing:
        user = user or role_user(Role.TEACHER)
        fields.setdefault("buffer_after_minutes", 0)
        fields.setdefault("minimum_notice_minutes", 0)
        listing = TeacherListing.objects.create(
            user=user,
            headline=f"{user.first_name} teaches",
            time_zone=time_zone,
            status=status,
            country=country,
            **fields,
        )
        for weekday, start, end in EVERY_DAY_9_TO_17 if hours is None else hours:
            WeeklyHours.objects.create(
                listing=listing, weekday=weekday, start_time=start, end_time=end
            )
        for language, low, high in languages:
            TaughtLanguage.objects.create(
                listing=listing, language=language, min_level=low, max_level=high
            )
        return listing

    return make


@pytest.fixture
def make_gig() -> Callable[..., Gig]:
    def make(
        listing: TeacherListing,
        *,
        durations: dict[int, str] | None = None,
        per_minute: str | None = None,
        currency: str = "EUR",
        category: str = "language-tutor",
        **fields: Any,
    ) -> Gig:
        gig = Gig.objects.create(
            listing=listing,
            # get_or_create: a transactional test's flush removes the migration's categories.
            category=GigCategory.objects.get_or_create(
                slug=category, defaults={"name": category.replace("-", " ").capitalize()}
            )[0],
            title=fields.pop("title", "Spanish conversation"),
            about="Let's talk.",
            currency=currency,
            pricing_mode=PricingMode.PER_MINUTE if per_minute else PricingMode.PER_DURATION,
            price_per_minute=Decimal(per_minute) if per_minute else None,
            language=fields.pop("language", "es"),
            **fields,
        )
        for minutes, price in (durations or {60: "30.00"}).items():
            GigDuration.objects.create(gig=gig, minutes=minutes, price=Decimal(price))
        return gig

    return make


@pytest.fixture
def providers(settings: Any) -> Any:
    """Stripe and Razorpay over HTTP on 127.0.0.1 (the money issue's fake, real formats)."""
    from payments.testing import STRIPE_WEBHOOK_SECRET, FakeProviders

    fake = FakeProviders()
    settings.STRIPE_SECRET_KEY = "sk_test_toto"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_toto"
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.url
    yield fake
    fake.close()


@pytest.fixture
def paid_booking(
    api_client: Any, client: Any, providers: Any, make_listing: Any, make_gig: Any, student: Any
) -> Callable[..., Any]:
    """Books and pays a lesson through the API and Stripe's signed webhook."""
    from payments.models import Payment
    from payments.testing import stripe_event

    def make(start: Any, *, minutes: int = 60, gig: Any = None, listing: Any = None) -> Any:
        from tutoring.models import Booking

        listing = listing or make_listing(booking_horizon_days=3660)
        gig = gig or make_gig(listing)
        api_client.force_login(student)
        held = api_client.post(
            "/api/v1/bookings/", {"gig": gig.pk, "start": start.isoformat(), "duration": minutes}
        )
        assert held.status_code == 201, held.json()
        booking_id = held.json()["id"]
        checkout = api_client.post(f"/api/v1/bookings/{booking_id}/pay/", {"provider": "stripe"})
        assert checkout.status_code == 200, checkout.json()
        payment = Payment.objects.get(pk=checkout.json()["payment_id"])
        intent = providers.pay_intent(payment.provider_order_id)
        payload, headers = stripe_event("payment_intent.succeeded", intent)
        answer = client.post(
            "/api/v1/payments/webhooks/stripe/", payload, content_type="application/json", **headers
        )
        assert answer.status_code == 200, answer.content
        return Booking.objects.get(pk=booking_id)

    return make


class FakeZoom:
    """Zoom's OAuth and meetings API on 127.0.0.1, in Zoom's formats: Server-to-Server OAuth
    (``POST /oauth/token?grant_type=account_credentials&account_id=…`` with HTTP Basic
    client credentials) and ``POST /v2/users/me/meetings`` with the bearer token."""

    ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET = "acc_toto", "client_toto", "secret_toto"
    TOKEN = "eyJzdGF0aWMiOiJ0b2tlbiJ9"
    HOST_ID = "x1yCzABCDEfg23HiJKl4mN"

    def __init__(self) -> None:
        import base64
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs, urlsplit

        self.requests: list[dict[str, Any]] = []
        self.meeting_id = 85746065432
        fake = self
        expected_basic = (
            "Basic " + base64.b64encode(f"{self.CLIENT_ID}:{self.CLIENT_SECRET}".encode()).decode()
        )

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, code: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else {}
                fake.requests.append(
                    {
                        "path": url.path,
                        "query": parse_qs(url.query),
                        "authorization": self.headers.get("Authorization"),
                        "body": body,
                    }
                )
                if url.path == "/oauth/token":
                    query = parse_qs(url.query)
                    if self.headers.get("Authorization") != expected_basic or query != {
                        "grant_type": ["account_credentials"],
                        "account_id": [fake.ACCOUNT_ID],
                    }:
                        self._send(400, {"reason": "Invalid client_id or client_secret"})
                        return
                    self._send(
                        200,
                        {
                            "access_token": fake.TOKEN,
                            "token_type": "bearer",
                            "expires_in": 3599,
                            "scope": "meeting:write:meeting:admin user:read:user:admin",
                            "api_url": "https://api.zoom.us",
                        },
                    )
                    return
                if url.path == "/v2/users/me/meetings":
                    if self.headers.get("Authorization") != f"Bearer {fake.TOKEN}":
                        self._send(401, {"code": 124, "message": "Invalid access token."})
                        return
                    fake.meeting_id += 1
                    number = fake.meeting_id
                    self._send(
                        201,
                        {
                            "uuid": "aDYlohsHRtCd4ii1uC2+hA==",
                            "id": number,
                            "host_id": fake.HOST_ID,
                            "host_email": "lessons@toto.example",
                            "topic": body["topic"],
                            "type": 2,
                            "status": "waiting",
                            "start_time": body["start_time"],
                            "duration": body["duration"],
                            "timezone": body.get("timezone", "UTC"),
                            "created_at": "2026-11-22T02:00:00Z",
                            "start_url": f"https://zoom.us/s/{number}?zak=eyJ0eXAiOiJKV1Qi",
                            "join_url": f"https://zoom.us/j/{number}?pwd=Ynl2c0dUZz09",
                            "password": "aB3dE6",
                            "h323_password": "123456",
                            "pstn_password": "123456",
                            "encrypted_password": "Ynl2c0dUZz09",
                            "settings": body.get("settings", {}),
                            "pre_schedule": False,
                        },
                    )
                    return
                self._send(404, {"code": 404, "message": "Not found"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_zoom(settings: Any) -> Any:
    from django.core.cache import cache

    from tutoring import zoom

    fake = FakeZoom()
    settings.ZOOM_ACCOUNT_ID = fake.ACCOUNT_ID
    settings.ZOOM_CLIENT_ID = fake.CLIENT_ID
    settings.ZOOM_CLIENT_SECRET = fake.CLIENT_SECRET
    settings.ZOOM_WEBHOOK_SECRET_TOKEN = "zoom_webhook_secret_toto"
    settings.ZOOM_API_BASE = f"{fake.url}/v2"
    settings.ZOOM_OAUTH_URL = f"{fake.url}/oauth/token"
    cache.delete(zoom.TOKEN_CACHE_KEY)
    yield fake
    cache.delete(zoom.TOKEN_CACHE_KEY)
    fake.close()
