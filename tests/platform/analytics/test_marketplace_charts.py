"""The marketplace dashboard's earnings and time-to-verification charts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import TeacherCertificate, TeacherProfile, VerificationStatus
from analytics import selectors, services
from credits.models import AccountKind, LedgerAccount

pytestmark = pytest.mark.django_db


def test_earnings_per_week_equal_what_the_ledger_credited(
    teacher, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from accounts.roles import Role
    from payouts.services import accrue_earning

    with django_capture_on_commit_callbacks(execute=True):
        for n in (1, 2):
            accrue_earning(
                teacher,
                gross=Decimal("50.00"),
                currency="USD",
                role=Role.TEACHER,
                idempotency_key=f"e{n}",
            )
    today = selectors.today()
    services.roll_up_day(today)
    chart = selectors.earnings(selectors.Scope(today - timedelta(days=6), today, None, "USD"))
    earned = sum(Decimal(value) for value in chart["datasets"][0]["data"])
    owed = sum(
        (a.balance for a in LedgerAccount.objects.filter(kind=AccountKind.EARNINGS)), Decimal(0)
    )
    assert earned == owed > 0  # net of the platform's commission
    assert earned < Decimal("100.00")
    assert all(value == "0" for value in chart["datasets"][1]["data"])


def test_time_to_verification_averages_the_decided_and_counts_the_waiting(teacher) -> None:  # type: ignore[no-untyped-def]
    profile, _ = TeacherProfile.objects.get_or_create(user=teacher)
    now = timezone.now()
    for hours, status in ((10, VerificationStatus.VERIFIED), (30, VerificationStatus.REJECTED)):
        certificate = TeacherCertificate.objects.create(
            teacher=profile,
            title="CELTA",
            file=ContentFile(b"%PDF-1.4", name="c.pdf"),
            content_type="application/pdf",
            status=status,
            reviewed_at=now,
        )
        TeacherCertificate.objects.filter(pk=certificate.pk).update(
            uploaded_at=now - timedelta(hours=hours)
        )
    TeacherCertificate.objects.create(
        teacher=profile,
        title="DELE",
        file=ContentFile(b"%PDF-1.4", name="d.pdf"),
        content_type="application/pdf",
    )
    today = selectors.today()
    chart = selectors.time_to_verification(selectors.Scope(today - timedelta(days=6), today))
    assert chart["summary"] == {"waiting": 1}
    decided = [n for n in chart["datasets"][0]["data"] if n]
    averages = [h for h in chart["datasets"][1]["data"] if h is not None]
    assert decided == [2] and averages == [20.0]
