"""Long choice lists (time zones, languages) are computed once and handed to Django as they
are, so that building a serializer's fields does not re-walk them (core.choices)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils.choices import normalize_choices
from rest_framework import serializers

from accounts.models import Profile, language_choices
from core.timezones import time_zone_choices
from tutoring.models import TeacherListing


@pytest.mark.parametrize(
    ("model", "name", "expected"),
    [
        (Profile, "time_zone", time_zone_choices),
        (Profile, "native_language", language_choices),
        (TeacherListing, "time_zone", time_zone_choices),
    ],
)
def test_a_fields_choices_are_the_full_list_handed_over_untouched(model, name, expected) -> None:  # type: ignore[no-untyped-def]
    field = model._meta.get_field(name)
    assert list(field.choices) == list(expected())
    computed = field.choices.func()
    assert normalize_choices(computed) is computed  # Django does not walk it again
    assert field.choices.func() is computed  # nor is it rebuilt


def test_the_model_still_refuses_a_value_outside_the_choices() -> None:
    field = Profile._meta.get_field("time_zone")
    field.clean("Europe/Madrid", None)
    with pytest.raises(ValidationError):
        field.clean("Mars/Olympus_Mons", None)


def test_a_model_serializer_offers_the_same_time_zones() -> None:
    class ProfileSerializer(serializers.ModelSerializer):
        class Meta:
            model = Profile
            fields = ["time_zone"]

    field = ProfileSerializer().fields["time_zone"]
    assert list(field.choices) == [name for name, _label in time_zone_choices()]
    assert field.run_validation("Asia/Kolkata") == "Asia/Kolkata"
    with pytest.raises(serializers.ValidationError):
        field.run_validation("Mars/Olympus_Mons")
