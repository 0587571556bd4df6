"""Report a problem, on the website and the API: from a lesson's page or a trip's page the
learner opens a complaint about what they paid for and lands on the dispute's page, where
both sides add their account and files; the teacher or vendor is told and answers there."""

from datetime import UTC, datetime, timedelta

import pytest
from abroad import services as abroad_services
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from disputes.models import Dispute, DisputeSource, DisputeStatus, Evidence
from notifications.models import Notification
from payments.models import Payment, PaymentStatus
from payments.services import confirm_demo_payment
from tutoring.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def start_in(days: int) -> datetime:
    return (datetime.now(tz=UTC) + timedelta(days=days)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )


def test_a_learner_reports_a_lesson_from_its_page_and_both_sides_answer_on_the_dispute_page(
    client, student, other_student, paid_booking, django_assert_max_num_queries
) -> None:
    booking = paid_booking(start_in(5))
    teacher = booking.teacher.user
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.AWAITING_CONFIRMATION)
    client.force_login(student)
    page = client.get(f"/tutoring/bookings/{booking.pk}/")
    report_url = f"/payments/{booking.payment_reference}/report/"
    assert report_url.encode() in page.content and b"Report a problem" in page.content
    assert client.get(report_url).status_code == 200
    sent = client.post(
        report_url,
        {
            "reason": "The teacher left after ten minutes",
            "evidence": SimpleUploadedFile("call.png", PNG),
        },
    )
    dispute = Dispute.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/disputes/{dispute.pk}/"
    assert (dispute.source, dispute.learner, dispute.counterparty) == (
        DisputeSource.COMPLAINT,
        student,
        teacher,
    )
    # The lesson is held: it is not confirmed (nor its teacher paid) automatically meanwhile.
    booking.refresh_from_db()
    assert booking.status == BookingStatus.DISPUTED
    learner_files = Evidence.objects.filter(dispute=dispute).exclude(file="")
    assert learner_files.count() == 1
    learner_file = learner_files.get()
    # The teacher is told, with the dispute's page.
    told = Notification.objects.get(recipient=teacher, type="disputes.dispute_updated")
    assert told.url == f"/disputes/{dispute.pk}/"

    client.force_login(teacher)
    # The teacher's page of the disputed lesson leads to this dispute, not only their list.
    lesson_page = client.get(f"/tutoring/bookings/{booking.pk}/")
    to_dispute = f"/payments/{booking.payment_reference}/dispute/"
    assert to_dispute.encode() in lesson_page.content
    assert client.get(to_dispute)["Location"] == f"/disputes/{dispute.pk}/"
    with django_assert_max_num_queries(13):
        seen = client.get(told.url)
    assert b"The teacher left after ten minutes" in seen.content
    assert b"the teacher or provider who was paid" in seen.content
    download = client.get(f"/disputes/{dispute.pk}/evidence/{learner_file.pk}/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG  # type: ignore[attr-defined]
    answered = client.post(
        f"/disputes/{dispute.pk}/evidence/",
        {"text": "We had 45 minutes together", "evidence": SimpleUploadedFile("log.txt", b"log")},
    )
    assert answered["Location"] == f"/disputes/{dispute.pk}/"
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.EVIDENCE
    assert Notification.objects.filter(
        recipient=student, type="disputes.dispute_updated", title__startswith="New evidence"
    ).exists()

    client.force_login(student)
    with django_assert_max_num_queries(13):  # the same with more evidence
        mine = client.get(f"/disputes/{dispute.pk}/")
    assert b"We had 45 minutes together" in mine.content
    # Nobody else sees the dispute or its files.
    client.force_login(other_student)
    assert client.get(f"/disputes/{dispute.pk}/").status_code == 404
    assert client.get(to_dispute)["Location"] == "/disputes/"
    assert client.get(f"/disputes/{dispute.pk}/evidence/{learner_file.pk}/file/").status_code == 404


def test_a_stay_is_reported_through_the_api_and_its_host_answers(
    settings, student, homestay_owner, make_homestay
) -> None:
    settings.PAYMENTS_DEMO_ENABLED = True
    room = make_homestay(homestay_owner).rooms.get()
    day = timezone.localdate() + timedelta(days=10)
    booking = abroad_services.hold_booking(
        learner=student, room_id=room.pk, check_in=day, check_out=day + timedelta(days=4)
    )
    api = APIClient()
    api.force_authenticate(student)
    checkout = api.post(f"/api/v1/abroad/bookings/{booking.pk}/pay/", {"provider": "demo"})
    payment = Payment.objects.get(pk=checkout.json()["payment"]["payment_id"])
    assert confirm_demo_payment(payment, card="4242 4242 4242 4242").status == (
        PaymentStatus.SUCCEEDED
    )
    # The trip's page offers the report.
    web = api  # the same signed-in learner, through the website
    web.force_login(student)
    trip = web.get(f"/abroad/trips/{booking.pk}/")
    assert f"/payments/{payment.pk}/report/".encode() in trip.content

    reported = api.post(
        "/api/v1/disputes/",
        {"payment": str(payment.pk), "reason": "The room had no heating"},
        format="json",
    )
    assert reported.status_code == 201, reported.json()
    assert (reported.json()["source"], reported.json()["role"]) == ("complaint", "learner")
    # Reporting again adds to the open dispute instead of opening another.
    again = api.post(
        "/api/v1/disputes/",
        {"payment": str(payment.pk), "reason": "Still cold"},
        format="json",
    )
    assert again.json()["id"] == reported.json()["id"]
    assert [e["text"] for e in again.json()["evidence"]] == [
        "The room had no heating",
        "Still cold",
    ]
    host = APIClient()
    host.force_authenticate(homestay_owner)
    theirs = host.get("/api/v1/disputes/").json()["results"]
    assert [d["role"] for d in theirs] == ["counterparty"]
    bad = api.post("/api/v1/disputes/", {"payment": str(payment.pk), "reason": ""}, format="json")
    assert bad.status_code == 400
