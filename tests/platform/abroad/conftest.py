from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from abroad import services
from django.utils import timezone
from rest_framework.test import APIClient

from cms.abroad.testing import abroad_tree, make_course, make_homestay  # noqa: F401
from payments.models import Payment, PaymentStatus
from payments.services import confirm_demo_payment


@pytest.fixture
def pay_booking(settings: Any) -> Callable[[Any, Any], Payment]:
    """Pays a booking as its learner does (the API's pay action with the demo card) and
    returns the payment, confirmed."""
    settings.PAYMENTS_DEMO_ENABLED = True

    def pay(learner: Any, booking_id: Any) -> Payment:
        client = APIClient()
        client.force_authenticate(learner)
        response = client.post(f"/api/v1/abroad/bookings/{booking_id}/pay/", {"provider": "demo"})
        assert response.status_code == 200, response.json()
        payment = Payment.objects.get(pk=response.json()["payment"]["payment_id"])
        assert confirm_demo_payment(payment, card="4242 4242 4242 4242").status == (
            PaymentStatus.SUCCEEDED
        )
        return payment

    return pay


@pytest.fixture
def paid_stay(pay_booking: Callable[[Any, Any], Payment]) -> Callable[..., Any]:
    """A stay of ``nights`` in ``home``'s room, ``days_ahead`` from today, held and paid."""

    def book(home: Any, learner: Any, days_ahead: int = 40, nights: int = 4) -> Any:
        check_in = timezone.localdate() + timedelta(days=days_ahead)
        booking = services.hold_booking(
            learner=learner,
            room_id=home.rooms.get().pk,
            check_in=check_in,
            check_out=check_in + timedelta(days=nights),
        )
        pay_booking(learner, booking.pk)
        booking.refresh_from_db()
        return booking

    return book


@pytest.fixture
def completed_package(
    make_course: Any,  # noqa: F811 (the fixture imported above)
    make_homestay: Any,  # noqa: F811
    institution: Any,
    homestay_owner: Any,
    student: Any,
    pay_booking: Callable[[Any, Any], Payment],
) -> dict[str, Any]:
    """The student's package (two weeks at the institution's school, fourteen nights in the
    host's room), paid and completed, so each vendor's share is released: the sold booking
    the vendors' earnings and money report start from."""
    intake = make_course(institution).intakes.get()
    home = make_homestay(homestay_owner)
    check_in = intake.start_date - timedelta(days=1)
    package = services.hold_booking(
        learner=student,
        intake_id=intake.pk,
        weeks=2,
        room_id=home.rooms.get().pk,
        check_in=check_in,
        check_out=check_in + timedelta(days=14),
    )
    payment = pay_booking(student, package.pk)
    assert services.complete_due(timezone.now() + timedelta(days=120)) == 1
    return {"package": package, "payment": payment, "home": home}
