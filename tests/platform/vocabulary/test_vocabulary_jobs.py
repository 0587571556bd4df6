"""The word bank's background jobs and data duties: "words due" reminders at the learner's time
in their zone, per-learner FSRS fitting (threshold, held-out check), export and deletion, and
the demo learner."""

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings

from notifications.models import Notification, NotificationPreference
from vocabulary import fitting, scheduling, selectors, services, simulation, tasks
from vocabulary.models import Card, LearnerSchedule, ReviewLog, Word

pytestmark = pytest.mark.django_db
END = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def history(owner: Any, cards: int = 60, days: int = 90) -> int:
    """A simulated learner's review log (bulk-written: this is the fitting's input)."""
    words = [
        services.add_word(owner, text=f"palabra{n}", language="es", translation=f"word{n}").word
        for n in range(cards)
    ]
    reviews = simulation.simulate(cards, days, end=END)
    ReviewLog.objects.bulk_create(
        ReviewLog(
            card=words[item.card_index].card, owner=owner, rating=item.rating,
            reviewed_at=item.reviewed_at, duration_ms=item.duration_ms,
            idempotency_key=f"sim-{number}", due_after=item.reviewed_at,
        )
        for number, item in enumerate(reviews)
    )  # fmt: skip
    return len(reviews)


def test_fitting_falls_back_to_defaults_below_the_threshold(student: Any, client: Any) -> None:
    history(student, cards=10, days=20)
    outcome = services.fit_parameters(student)
    assert outcome.status == "too_few_reviews" and outcome.review_count < 400
    assert LearnerSchedule.objects.filter(user=student, parameters__isnull=False).count() == 0
    client.force_login(student)
    page = client.get("/vocabulary/review/").content.decode()
    assert "Standard schedule: it is personalised once you have 400 reviews" in page


def test_fitting_adopts_parameters_that_predict_the_tail_better(student: Any, client: Any) -> None:
    count = history(student)
    assert count >= 400
    result = tasks.fit_parameters.apply().get()
    assert result == {"adopted": 1}
    schedule = LearnerSchedule.objects.get(user=student)
    assert schedule.parameters is not None and len(schedule.parameters) == 21
    assert schedule.parameters != list(scheduling.DEFAULT_PARAMETERS)
    assert schedule.parameters_review_count == count and schedule.parameters_fitted_at
    # The fitted parameters drive the scheduler the review service uses.
    assert scheduling.scheduler_for(schedule).parameters == tuple(schedule.parameters)
    client.force_login(student)
    assert "Schedule personalised on" in client.get("/vocabulary/review/").content.decode()


def test_fitting_keeps_the_old_parameters_when_the_new_predict_worse(student: Any) -> None:
    history(student)
    # Parameters fitted on the whole history, the held-out tail included, predict that tail
    # better than parameters fitted without it.
    every_item = [item for _, item in fitting.items_from(selectors.reviews_for_fitting(student))]
    import fsrs_rs_python

    insider = fsrs_rs_python.FSRS(list(scheduling.DEFAULT_PARAMETERS)).compute_parameters(
        every_item
    )
    old_when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    LearnerSchedule.objects.create(
        user=student, parameters=list(insider), parameters_fitted_at=old_when,
        parameters_review_count=1,
    )  # fmt: skip
    outcome = services.fit_parameters(student)
    assert outcome.status == "kept_previous", outcome
    assert outcome.result and outcome.result.new_log_loss > outcome.result.old_log_loss
    schedule = LearnerSchedule.objects.get(user=student)
    assert schedule.parameters == pytest.approx(list(insider))
    assert schedule.parameters_fitted_at == old_when and schedule.last_fit_attempted_at


def test_choose_refuses_clearly_worse_parameters() -> None:
    reviews = [
        fitting.Review(r.card_index, r.rating, r.reviewed_at)
        for r in simulation.simulate(60, 90, end=END)
    ]
    items = [item for _, item in fitting.items_from(reviews)]
    absurd = [*scheduling.DEFAULT_PARAMETERS]
    absurd[0:4] = [0.01] * 4  # every new word forgotten within minutes…
    absurd[8] = 0.0  # …and no review ever makes it last longer
    decision = fitting.choose(scheduling.DEFAULT_PARAMETERS, absurd, items[-100:])
    assert not decision.adopted and decision.parameters == list(scheduling.DEFAULT_PARAMETERS)


def due_cards(owner: Any, count: int) -> None:
    for number in range(count):
        card = services.add_word(owner, text=f"w{number}", language="es").word.card
        Card.objects.filter(pk=card.pk).update(
            last_review=END - dt.timedelta(days=3), due=END - dt.timedelta(hours=1), state=2,
            stability=3.0, difficulty=5.0, step=None,
        )  # fmt: skip


def test_reminders_at_the_learners_time_in_their_zone_once_a_day(
    student: Any, other_student: Any
) -> None:
    student.profile.time_zone = "America/New_York"
    student.profile.save()
    due_cards(student, 3)
    LearnerSchedule.objects.create(user=student, reminder_time=dt.time(19, 0))
    LearnerSchedule.objects.create(user=other_student, reminder_time=dt.time(19, 0))  # none due
    late_afternoon = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)  # 18:30 in New York
    assert services.send_due_reminders(late_afternoon) == 0
    evening = late_afternoon + dt.timedelta(hours=1)  # 19:30 in New York
    assert services.send_due_reminders(evening) == 1
    assert services.send_due_reminders(evening + dt.timedelta(hours=2)) == 0  # once a day
    sent = Notification.objects.get(recipient=student)
    assert sent.type == "vocabulary.due" and sent.title == "3 words due"
    assert sent.url == "/vocabulary/review/" and sent.data == {"due": 3}
    assert not Notification.objects.filter(recipient=other_student).exists()
    next_evening = evening + dt.timedelta(days=1)
    assert services.send_due_reminders(next_evening) == 1


def test_reminders_respect_the_learners_notification_choices(student: Any) -> None:
    due_cards(student, 2)
    LearnerSchedule.objects.create(user=student, reminder_time=dt.time(8, 0))
    for channel in ("in_app", "email", "push"):
        NotificationPreference.objects.create(
            user=student, type="vocabulary.due", channel=channel, enabled=False
        )
    services.send_due_reminders(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC))
    assert not Notification.objects.filter(recipient=student).exists()


def test_export_and_deletion(student: Any, other_student: Any) -> None:
    from accounts.selectors import export_personal_data
    from accounts.services import delete_account

    services.update_schedule(student, desired_retention=0.85)
    card = services.add_word(student, text="hola", language="es", tags=["greetings"]).word.card
    services.submit_review(
        student, card_id=card.pk, rating=3, reviewed_at=END, duration_ms=1000,
        idempotency_key="x",
    )  # fmt: skip
    services.add_word(other_student, text="adiós", language="es")
    data = export_personal_data(student)["vocabulary"]
    assert [w["text"] for w in data["words"]] == ["hola"]
    assert data["words"][0]["tags"] == ["greetings"] and data["words"][0]["card"]["reps"] == 1
    assert data["reviews"][0]["rating"] == 3 and data["schedule"]["desired_retention"] == 0.85
    delete_account(student)
    assert not Word.objects.filter(owner=student).exists()
    assert not ReviewLog.objects.filter(owner=student).exists()
    assert not LearnerSchedule.objects.filter(user=student).exists()
    assert Word.objects.filter(owner=other_student).count() == 1


@override_settings(VOCABULARY_FIT_MIN_REVIEWS=400)
def test_demo_learner_gets_a_personalised_bank(user_factory: Any) -> None:
    from vocabulary.demo import DEMO_STEPS

    student = user_factory("student@toto.localhost")
    summary = DEMO_STEPS[0]()
    assert "60 words" in summary and "adopted" in summary, summary
    assert Word.objects.filter(owner=student, language="en").count() == 30
    assert ReviewLog.objects.filter(owner=student).count() >= 400
    assert selectors.due_summary(student).review_count > 0
    assert LearnerSchedule.objects.get(user=student).parameters_fitted_at
    assert DEMO_STEPS[0]() == "vocabulary: demo word bank already there"
