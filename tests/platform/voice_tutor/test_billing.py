"""Billing per started minute on the real ledger: idempotent per minute, warning a minute
before the credits run out, the maximum length, failed time not billed, premium covered."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from ai.models import AIUsage
from credits.models import UsageCharge
from credits.services import activate_subscription, grant_credits
from voice_tutor import services
from voice_tutor.models import TutorSession

pytestmark = pytest.mark.django_db


def started_ago(session: Any, seconds: float) -> Any:
    moment = timezone.now() - timedelta(seconds=seconds)
    TutorSession.objects.filter(pk=session.pk).update(started_at=moment)
    session.refresh_from_db()
    return moment


def test_started_minutes_are_charged_once_each(
    learner: Any, avatar: Any, practice: Any, guided: None, balance: Any
) -> None:
    session = services.start_session(learner, avatar_id=avatar.pk, context_id=practice.pk)
    assert balance(learner) == Decimal("27.00")
    t0 = started_ago(session, 0)
    result = services.charge_elapsed(session, now=t0 + timedelta(seconds=30))
    assert (result.seconds_left, result.warn, result.exhausted) == (570, False, False)
    for _ in range(2):  # a repeated tick in the same minute charges nothing more
        services.charge_elapsed(session, now=t0 + timedelta(seconds=61))
    assert balance(learner) == Decimal("24.00")
    keys = sorted(UsageCharge.objects.values_list("idempotency_key", flat=True))
    assert keys == [f"tutor:{session.pk}:0", f"tutor:{session.pk}:1"]
    usage = AIUsage.objects.filter(feature="voice-tutor", outcome="ok")
    assert usage.count() == 2 and {u.credits for u in usage} == {Decimal("3.00")}


def test_no_credits_cannot_start_and_running_out_warns_then_ends(
    student: Any, avatar: Any, practice: Any, guided: None, balance: Any
) -> None:
    with pytest.raises(Exception, match="wallet") as refused:
        services.start_session(student, avatar_id=avatar.pk, context_id=practice.pk)
    assert refused.value.status_code == 402  # type: ignore[attr-defined]
    assert not TutorSession.objects.exists()
    assert AIUsage.objects.get().outcome == "insufficient_credits"

    grant_credits(student, Decimal("6"), idempotency_key="two-minutes")
    session = services.start_session(student, avatar_id=avatar.pk, context_id=practice.pk)
    t0 = started_ago(session, 0)
    early = services.charge_elapsed(session, now=t0 + timedelta(seconds=30))
    assert (early.seconds_left, early.warn) == (90, False)
    late = services.charge_elapsed(session, now=t0 + timedelta(seconds=65))
    assert (late.seconds_left, late.warn, late.exhausted) == (55, True, False)
    assert balance(student) == Decimal("0.00")
    out = services.charge_elapsed(session, now=t0 + timedelta(seconds=121))
    assert out.exhausted and out.seconds_left == 0
    assert UsageCharge.objects.filter(user=student).count() == 2
    assert AIUsage.objects.filter(outcome="insufficient_credits").count() == 2


def test_maximum_length(learner: Any, avatar: Any, practice: Any, guided: None) -> None:
    with override_settings(VOICE_TUTOR_MAX_SECONDS=120):
        session = services.start_session(learner, avatar_id=avatar.pk, context_id=practice.pk)
        t0 = started_ago(session, 0)
        assert services.charge_elapsed(session, now=t0 + timedelta(seconds=70)).warn
        over = services.charge_elapsed(session, now=t0 + timedelta(seconds=125))
        assert over.exhausted and over.seconds_left == 0
    assert UsageCharge.objects.filter(user=learner).count() == 2  # never a third minute


def test_time_lost_to_our_failure_is_not_billed(
    learner: Any, avatar: Any, practice: Any, guided: None
) -> None:
    session = services.start_session(learner, avatar_id=avatar.pk, context_id=practice.pk)
    started_ago(session, 50)
    turn = services.learner_turn(session, text="Here is my passport")
    type(turn).objects.filter(pk=turn.pk).update(created_at=timezone.now() - timedelta(seconds=40))
    services.fail_session(session, code="tutor_unavailable")  # 40 s of failed turn given back
    TutorSession.objects.filter(pk=session.pk).update(
        interrupted_at=timezone.now() - timedelta(seconds=100)
    )  # and it stood still for 100 s more
    session.refresh_from_db()
    services.resume_session(session)
    assert session.billable_seconds() < 15
    result = services.charge_elapsed(session)
    assert not result.exhausted
    assert UsageCharge.objects.filter(user=learner).count() == 1


def test_premium_plan_covers_the_minutes(
    student: Any, avatar: Any, practice: Any, guided: None, premium_plan: Any, balance: Any
) -> None:
    premium_plan.fair_use_monthly_credits = Decimal("300")
    premium_plan.save()
    activate_subscription(
        user=student,
        plan=premium_plan,
        provider="test",
        current_period_end=timezone.now() + timedelta(days=30),
    )
    session = services.start_session(student, avatar_id=avatar.pk, context_id=practice.pk)
    t0 = started_ago(session, 0)
    result = services.charge_elapsed(session, now=t0 + timedelta(seconds=125))
    assert not result.exhausted and result.seconds_left > 60
    charges = UsageCharge.objects.filter(user=student)
    assert charges.count() == 3
    assert {c.covered_by_plan for c in charges} == {Decimal("3.00")}
    assert balance(student) == Decimal("0")
