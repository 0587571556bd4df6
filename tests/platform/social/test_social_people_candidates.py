"""People to follow, now ranked among candidates gathered as a UNION of indexed sets (people
by native language, by learning language, by interest): the same people in the same order
as the old OR-of-EXISTS shape (kept in benchmarks/db/people.py, which times both at 100x),
for viewers with languages, with only interests, and with nothing to share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from accounts.models import LearningLanguage, Profile
from accounts.roles import Role
from benchmarks.db.people import old_people_to_follow
from social import selectors, services

pytestmark = pytest.mark.django_db


def speaks(user: Any, native: str, *learns: str) -> Any:
    Profile.objects.filter(user=user).update(native_language=native)
    for language in learns:
        LearningLanguage.objects.create(profile=Profile.objects.get(user=user), language=language)
    return user


def test_the_same_people_in_the_same_order_as_before(
    student: Any, role_user: Callable[..., Any]
) -> None:
    """The known answers of the old shape, on a mixed crowd, for three kinds of viewer."""
    speaks(student, "en", "es")
    crowd = []
    for n in range(24):
        person = speaks(
            role_user(Role.STUDENT),
            ["es", "en", "fr", "de", "ja", ""][n % 6],
            *[["en"], ["es"], ["fr"], [], ["es", "en"], ["ja"]][n % 5],
        )
        services.set_interests(person, [["cine"], [], ["jazz", "cine"]][n % 3])
        crowd.append(person)
    services.follow(student, crowd[0].pk)
    only_interests = role_user(Role.STUDENT)
    services.set_interests(only_interests, ["jazz"])
    nothing = role_user(Role.STUDENT)
    for viewer in (student, only_interests, nothing, crowd[4]):
        new = [person.pk for person in selectors.people_to_follow(viewer)]
        old = [person.pk for person in old_people_to_follow(viewer)]
        assert new == old
    assert list(selectors.people_to_follow(nothing)) == []
    jazz = {person.pk for person in selectors.people_to_follow(only_interests)}
    assert jazz == {p.pk for n, p in enumerate(crowd) if n % 3 == 2}
