"""Feature flags for any feature (core.flags): rules, sticky rollout, cache, admin, template."""

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from accounts.models import Profile
from core import flags
from core.models import FeatureFlag

pytestmark = pytest.mark.django_db


def make_flag(name: str = "social.moments", **fields: Any) -> FeatureFlag:
    groups = fields.pop("groups", [])
    flag = FeatureFlag.objects.create(name=name, enabled=fields.pop("enabled", True), **fields)
    flag.groups.set(groups)
    return flag


def test_unknown_flags_answer_the_default(student) -> None:  # type: ignore[no-untyped-def]
    assert flags.enabled("nope", student) is False
    assert flags.enabled("nope", student, default=True) is True


def test_on_off_and_anonymous(student) -> None:  # type: ignore[no-untyped-def]
    flag = make_flag()
    assert flags.enabled("social.moments", student) and flags.enabled("social.moments", None)
    flag.enabled = False
    flag.save()  # the cache is dropped on save
    assert not flags.enabled("social.moments", student)


def test_by_role(student, teacher) -> None:  # type: ignore[no-untyped-def]
    make_flag(groups=[Group.objects.get(name="Teachers")])
    assert flags.enabled("social.moments", teacher)
    assert not flags.enabled("social.moments", student)
    assert not flags.enabled("social.moments", None)


def test_by_country(student, other_student) -> None:  # type: ignore[no-untyped-def]
    Profile.objects.update_or_create(user=student, defaults={"country": "ES"})
    Profile.objects.update_or_create(user=other_student, defaults={"country": "DE"})
    make_flag(countries="es, mx")
    assert flags.enabled("social.moments", type(student).objects.get(pk=student.pk))
    assert not flags.enabled("social.moments", type(student).objects.get(pk=other_student.pk))


def test_percentage_rollout_is_sticky_and_grows_with_the_same_people(user_factory) -> None:  # type: ignore[no-untyped-def]
    people = [user_factory() for _ in range(60)]
    flag = make_flag(rollout_percent=30)
    first = {p.pk for p in people if flags.enabled("social.moments", p)}
    assert first == {p.pk for p in people if flags.enabled("social.moments", p)}  # sticky
    assert 5 < len(first) < 35  # about 30 % of 60
    assert first == {p.pk for p in people if flags.bucket("social.moments", p.pk) < 30}
    flag.rollout_percent = 70
    flag.save()
    grown = {p.pk for p in people if flags.enabled("social.moments", p)}
    assert first < grown
    assert not flags.enabled("social.moments", None)  # nobody signed out is in a share


def test_checks_are_cached_until_a_save(student) -> None:  # type: ignore[no-untyped-def]
    make_flag()
    flags.enabled("social.moments", student)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            assert flags.enabled("social.moments", student)
    assert len(queries) == 0
    FeatureFlag.objects.get(name="social.moments").groups.add(Group.objects.get(name="Teachers"))
    assert not flags.enabled("social.moments", student)  # m2m change dropped the cache


def test_template_tag(student) -> None:  # type: ignore[no-untyped-def]
    make_flag(groups=[Group.objects.get(name="Students")])
    template = engines["django"].from_string(
        '{% load flags %}{% flag_enabled "social.moments" as on %}{% if on %}ON{% else %}OFF{% endif %}'
    )
    request = RequestFactory().get("/")
    request.user = student
    assert template.render({"request": request}) == "ON"
    request.user = type(student).objects.create_user(email="x@example.com", password="x")
    assert template.render({"request": request}) == "OFF"


def test_admins_edit_flags_and_each_change_is_logged(client, admin, student) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    assert client.get("/admin/feature-flags/").status_code == 200
    response = client.post(
        "/admin/feature-flags/new/",
        {
            "name": "social.moments",
            "description": "Moments feed",
            "enabled": "on",
            "groups": [Group.objects.get(name="Students").pk],
            "countries": "",
            "rollout_percent": "100",
        },
    )
    assert response.status_code == 302, response.content
    flag = FeatureFlag.objects.get(name="social.moments")
    assert flags.enabled("social.moments", student)
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(flag.pk)).exists()
    bad = client.post(
        f"/admin/feature-flags/edit/{flag.pk}/",
        {"name": "Bad Name!", "enabled": "on", "rollout_percent": "150"},
    )
    assert bad.status_code == 200 and set(bad.context["form"].errors) >= {
        "name",
        "rollout_percent",
    }


def test_students_cannot_edit_flags(client, student) -> None:  # type: ignore[no-untyped-def]
    client.force_login(student)
    assert client.get("/admin/feature-flags/").status_code in {302, 403}


def test_ai_switches_are_flags_and_still_switch_the_feature(student) -> None:  # type: ignore[no-untyped-def]
    from ai.errors import AIFeatureDisabled
    from ai.services import ensure_enabled

    assert set(
        FeatureFlag.objects.filter(name__startswith="ai.").values_list("name", flat=True)
    ) >= {"ai.translate_text", "ai.grammar_check", "ai.content_translation"}
    ensure_enabled("grammar_check", student)
    flag = FeatureFlag.objects.get(name="ai.grammar_check")
    flag.groups.set([Group.objects.get(name="Teachers")])  # now for teachers only
    with pytest.raises(AIFeatureDisabled):
        ensure_enabled("grammar_check", student)
