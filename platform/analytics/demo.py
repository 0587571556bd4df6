"""Demo analytics: 90 days of generated activity by a few hundred generated learners and
teachers, rolled up, so that every dashboard has something believable to show. Idempotent:
a second run finds the generated people and changes nothing.

The events are written straight to the event table (they stand for what already happened;
replaying them through the activity bus would also award XP and badges to people who never
existed). The demo's own real actions (payments, lessons) are announced by their services.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password

from accounts.models import Profile, User

from . import services
from .dimensions import course_of, detail_of, value_of
from .models import ActivityEvent

DAYS = 90
PEOPLE = 240
EMAIL = "analytics-demo-{n}@demo.toto.localhost"
LANGUAGES = ["es", "fr", "de", "ja", "en"]
LEVELS = ["A1", "A2", "B1", "B2"]
#: Where the generated people say they live (their profile), the big markets first.
COUNTRIES = ["ES", "ES", "ES", "MX", "MX", "US", "US", "IN", "DE", "FR", "BR", "JP"]


def _lessons() -> list[tuple[int, list[tuple[str, str]]]]:
    """(lesson id, [(block id, exercise type)]) of the demo's lessons."""
    try:
        from cms.learning.models import LessonPage
    except ImportError:  # pragma: no cover - the learning tree is part of every site
        return []
    lessons = []
    for lesson in LessonPage.objects.live().specific()[:12]:
        blocks = [
            (str(block.id), str(getattr(block.block, "exercise_type", block.block_type)))
            for block in lesson.exercises()
        ]
        if blocks:
            lessons.append((lesson.id, blocks))
    return lessons


def ensure_demo_activity() -> str:
    if User.objects.filter(email=EMAIL.format(n=0)).exists():
        return "Analytics: demo activity already generated"
    rng = random.Random(19)  # noqa: S311 - demo data, not security
    today = datetime.now(tz=UTC).date()
    first = today - timedelta(days=DAYS - 1)
    unusable = make_password(None)
    # More people join as the weeks go by (a growing product).
    people: list[User] = []
    for n in range(PEOPLE):
        offset = int((1 - rng.random() ** 1.6) * (DAYS + 20)) - 20
        joined_day = first + timedelta(days=max(-20, min(DAYS - 1, offset)))
        joined = datetime.combine(joined_day, time(rng.randrange(7, 22)), tzinfo=UTC)
        people.append(
            User(
                id=uuid.uuid4(),
                email=EMAIL.format(n=n),
                first_name=f"Learner {n}",
                password=unusable,
                date_joined=joined,
                is_active=True,
            )
        )
    User.objects.bulk_create(people)
    # A separate generator, so that the activity below stays what it was before countries.
    places = random.Random(1919)  # noqa: S311 - demo data, not security
    country = {person.pk: places.choice(COUNTRIES) for person in people}
    Profile.objects.bulk_create(Profile(user=p, country=country[p.pk]) for p in people)
    lessons = _lessons() or [(0, [("q1", "multiple_choice"), ("q2", "fill_gap")])]
    course = {lesson_id: course_of({"lesson_id": lesson_id}) for lesson_id, _b in lessons}
    events: list[ActivityEvent] = []
    words = random.Random(2020)  # noqa: S311 - demo data, not security

    def add(person: User, when: datetime, kind: str, platform: str, **extra: Any) -> None:
        data: dict[str, Any] = extra.pop("data", {})
        lesson_id = data.get("lesson_id")
        events.append(
            ActivityEvent(
                user_id=person.pk,
                kind=kind,
                app=kind.split(".")[0],
                occurred_at=when,
                day=when.date(),
                language=extra.get("language", ""),
                level=extra.get("level", ""),
                platform=platform,
                country=country[person.pk],
                course=course.get(lesson_id) if lesson_id is not None else None,
                detail=detail_of(kind, data),
                value=value_of(kind, data),
                data=data,
            )
        )

    for n, person in enumerate(people):
        role = "teacher" if n % 12 == 0 else "student"
        platform = "app" if rng.random() < 0.45 else "web"
        language, level = rng.choice(LANGUAGES), rng.choice(LEVELS)
        add(person, person.date_joined, "accounts.signed_up", platform, data={"role": role})
        # Each person keeps coming back with a chance that fades week by week.
        keen = rng.uniform(0.25, 0.8)
        day = max(person.date_joined.date(), first)
        while day <= today:
            age_weeks = (day - person.date_joined.date()).days / 7
            if rng.random() < keen * (0.82**age_weeks) + 0.03:
                when = datetime.combine(
                    day, time(rng.randrange(6, 23), rng.randrange(60)), tzinfo=UTC
                )
                lesson_id, blocks = rng.choice(lessons)
                for block_id, exercise_type in blocks[: rng.randrange(1, len(blocks) + 1)]:
                    right = rng.random() < {"multiple_choice": 0.85}.get(exercise_type, 0.7)
                    score = 1 if right else rng.choice([0, 0.5])
                    add(
                        person,
                        when,
                        "learning.exercise_attempted",
                        platform,
                        language=language,
                        level=level,
                        data={
                            "lesson_id": lesson_id,
                            "block_id": block_id,
                            "exercise_type": exercise_type,
                            "score": score,
                        },
                    )
                if rng.random() < 0.6:
                    add(
                        person,
                        when,
                        "learning.lesson_completed",
                        platform,
                        language=language,
                        level=level,
                        data={
                            "lesson_id": lesson_id,
                            "translation_key": "",
                            "parent_path": "",
                            "score": rng.randrange(55, 101),
                            "time_spent_seconds": rng.randrange(120, 900),
                            "first_time": True,
                        },
                    )
                if rng.random() < 0.35:
                    add(
                        person,
                        when,
                        "ai.feature_used",
                        platform,
                        data={
                            "feature": rng.choice(
                                [
                                    "translate_text",
                                    "grammar_check",
                                    "writing_feedback",
                                    "translate_voice",
                                ]
                            )
                        },
                    )
                if rng.random() < 0.15:
                    add(
                        person,
                        when,
                        "translation.translated",
                        platform,
                        language=language,
                        data={"mode": rng.choice(["text", "voice", "conversation"])},
                    )
                if words.random() < 0.3:
                    # The word bank: its own generator, so the draws above stay as they were.
                    add(
                        person,
                        when,
                        "vocabulary.word_added",
                        platform,
                        language=language,
                        level=level,
                        data={"word_id": words.randrange(1, 10**6), "source": "lesson"},
                    )
                    for _review in range(words.randrange(1, 8)):
                        add(
                            person,
                            when,
                            "vocabulary.card_reviewed",
                            platform,
                            language=language,
                            level=level,
                            data={
                                "card_id": words.randrange(1, 10**6),
                                "rating": words.choices([1, 2, 3, 4], weights=[12, 15, 58, 15])[0],
                                "was_due": True,
                                "duration_ms": words.randrange(1500, 9000),
                            },
                        )
                    if words.random() < 0.15:
                        add(
                            person,
                            when,
                            "vocabulary.word_mastered",
                            platform,
                            language=language,
                            level=level,
                            data={"word_id": words.randrange(1, 10**6)},
                        )
                if rng.random() < 0.12:
                    add(
                        person,
                        when,
                        "voice_tutor.session_ended",
                        platform,
                        language=language,
                        data={
                            "session_id": str(uuid.uuid4()),
                            "minutes": rng.randrange(3, 20),
                            "score": rng.randrange(50, 98),
                        },
                    )
                if rng.random() < 0.05:
                    add(
                        person,
                        when,
                        "tutoring.booking_confirmed",
                        platform,
                        data={"booking_id": str(uuid.uuid4()), "teacher_id": "demo"},
                    )
                    add(
                        person,
                        when,
                        "tutoring.lesson_attended",
                        platform,
                        data={"booking_id": "demo", "teacher_id": "demo", "minutes": 55},
                    )
                    add(
                        person,
                        when,
                        "tutoring.review_left",
                        platform,
                        data={"booking_id": "demo", "rating": rng.choice([3, 4, 4, 5, 5, 5])},
                    )
                if rng.random() < 0.004:
                    add(person, when, "abroad.booked", platform, data={"booking_id": "demo"})
                if rng.random() < 0.03:
                    add(
                        person,
                        when,
                        "payments.paid",
                        platform,
                        data={
                            "payment_id": "demo",
                            "purpose": "credits",
                            "amount_minor": 1000,
                            "currency": "USD",
                        },
                    )
            day += timedelta(days=1)
    ActivityEvent.objects.bulk_create(events, batch_size=2000)
    runs = services.roll_up_range(first, today)
    seconds = sum(run.seconds for run in runs)
    return (
        f"Analytics: {PEOPLE} generated people, {len(events)} events over {DAYS} days, "
        f"rolled up in {seconds:.1f} s"
    )


DEMO_STEPS: list[Callable[[], str]] = [ensure_demo_activity]
