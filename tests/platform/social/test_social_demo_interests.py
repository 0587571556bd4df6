"""Demo interests: every demo person with a profile gets three to six interests (the named
ones those written for them), the same ones on every run, once; the generated ones follow
the languages a person learns, so suggestions have a community structure to find."""

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from accounts.models import LearningLanguage, Profile
from accounts.roles import Role
from social import demo
from social.interests import interests_of

pytestmark = pytest.mark.django_db


def test_demo_people_get_believable_interests_once(
    role_user: Callable[..., Any], student: Any
) -> None:
    named = role_user(Role.STUDENT, email=demo.TEACHER)
    people = [role_user(Role.STUDENT) for _ in range(12)]
    for person in people[:6]:
        LearningLanguage.objects.create(profile=Profile.objects.get(user=person), language="ja")
    assert demo.ensure_demo_interests() == "social: interests for 14 people"
    assert interests_of(named) == demo.DEMO_INTERESTS[demo.TEACHER]
    for person in [student, *people]:
        tags = interests_of(person)
        assert 3 <= len(tags) <= 6
        assert tags == list(
            dict.fromkeys(
                demo.generated_interests(
                    person.email,
                    ["ja"] if person in people[:6] else [],
                    False,
                )
            )
        )
    before = {p.pk: interests_of(p) for p in people}
    assert demo.ensure_demo_interests() == "social: interests for 0 people"
    assert {p.pk: interests_of(p) for p in people} == before


def test_generated_interests_follow_the_languages_learnt() -> None:
    japanese = Counter(
        tag
        for n in range(200)
        for tag in demo.generated_interests(f"person{n}@example.com", ["ja"], False)
    )
    anyone = Counter(
        tag
        for n in range(200)
        for tag in demo.generated_interests(f"person{n}@example.com", [], False)
    )
    assert japanese["manga"] > 3 * max(anyone["manga"], 1)
    assert demo.generated_interests("a@example.com", ["es"], True) == demo.generated_interests(
        "a@example.com", ["es"], True
    )
