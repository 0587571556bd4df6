"""Fixtures for materials: real files (a generated PDF, a WAV, an MP4 header), a teacher's
booked learner, and a purchase paid through Stripe's signed webhook (provider on loopback)."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from materials.samples import pdf_bytes
from tutoring.testing import make_gig, make_listing, paid_booking  # noqa: F401


@pytest.fixture
def pdf_file() -> Callable[..., SimpleUploadedFile]:
    def make(name: str = "verbs.pdf", text: str = "Spanish verbs") -> SimpleUploadedFile:
        return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")

    return make


@pytest.fixture
def upload(api_client: Any, pdf_file: Any) -> Callable[..., dict[str, Any]]:
    """Uploads a material through the API as ``user`` and returns its JSON."""

    def make(user: Any, file: Any = None, **fields: Any) -> dict[str, Any]:
        api_client.force_login(user)
        answer = api_client.post(
            "/api/v1/materials/",
            {"file": file or pdf_file(), "title": fields.pop("title", "Verbs"), **fields},
            format="multipart",
        )
        assert answer.status_code == 201, answer.json()
        return answer.json()

    return make


@pytest.fixture
def book_lesson() -> Callable[..., Any]:
    """A paid (confirmed) lesson between ``teacher`` and ``learner``: what makes the learner
    the teacher's learner."""
    from tutoring.models import (
        Booking,
        BookingStatus,
        Gig,
        GigCategory,
        ListingStatus,
        TeacherListing,
    )

    def make(teacher: Any, learner: Any, status: str = BookingStatus.CONFIRMED) -> Any:
        listing, _ = TeacherListing.objects.get_or_create(
            user=teacher, defaults={"headline": "Teaches", "status": ListingStatus.VERIFIED}
        )
        gig = Gig.objects.filter(listing=listing).first() or Gig.objects.create(
            listing=listing,
            category=GigCategory.objects.get_or_create(
                slug="language-tutor", defaults={"name": "Language tutor"}
            )[0],
            title="Spanish conversation",
            about="Let's talk.",
            currency="EUR",
            language="es",
        )
        start = timezone.now() + timedelta(days=1 + Booking.objects.count())
        return Booking.objects.create(
            teacher=listing,
            learner=learner,
            gig=gig,
            status=status,
            start=start,
            end=start + timedelta(hours=1),
            blocked_start=start,
            blocked_end=start + timedelta(hours=1),
            currency="EUR",
            price=Decimal("30.00"),
        )

    return make


@pytest.fixture
def make_pack(upload: Any, api_client: Any) -> Callable[..., dict[str, Any]]:
    """A published pack of ``teacher`` with two materials (the first is the free sample)."""

    def make(teacher: Any, **fields: Any) -> dict[str, Any]:
        sample = upload(teacher, title="Sample")
        paid = upload(teacher, title="Workbook")
        api_client.force_login(teacher)
        body = {
            "title": "Spanish A2 pack",
            "description": "Verbs and listening",
            "language": "es",
            "level": "A2",
            "price": "12.50",
            "currency": "EUR",
            "materials": [sample["id"], paid["id"]],
            "preview": sample["id"],
            **fields,
        }
        created = api_client.post("/api/v1/material-packs/", body)
        assert created.status_code == 201, created.json()
        published = api_client.post(f"/api/v1/material-packs/{created.json()['id']}/publish/")
        assert published.status_code == 200, published.json()
        return published.json()

    return make


@pytest.fixture
def buy_pack(api_client: Any, client: Any, providers: Any) -> Callable[..., Any]:
    """Buys a pack through the API and Stripe's signed ``payment_intent.succeeded``."""
    from payments.models import Payment
    from payments.testing import deliver_payment_succeeded

    def make(pack_id: str, learner: Any) -> Any:
        api_client.force_login(learner)
        checkout = api_client.post(f"/api/v1/material-packs/{pack_id}/buy/", {"provider": "stripe"})
        assert checkout.status_code == 200, checkout.json()
        payment = Payment.objects.get(pk=checkout.json()["payment_id"])
        deliver_payment_succeeded(providers, payment, client)
        return Payment.objects.get(pk=payment.pk)

    return make
