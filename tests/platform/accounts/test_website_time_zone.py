"""The website shows times in the signed-in user's own time zone, in one date style."""

from datetime import UTC, datetime
from typing import Any

import pytest

from accounts.models import Profile
from translation.models import Translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("Asia/Kolkata", "Sun 6 Dec 2026, 14:00"), ("UTC", "Sun 6 Dec 2026, 08:30")],
)
def test_times_are_shown_in_the_users_zone(
    client: Any, student: Any, zone: str, shown: str
) -> None:
    Profile.objects.filter(user=student).update(time_zone=zone)
    Translation.objects.create(
        user=student,
        source_language="en",
        target_language="es",
        source_text="Hello",
        translated_text="Hola",
        created_at=datetime(2026, 12, 6, 8, 30, tzinfo=UTC),
    )
    client.force_login(student)
    assert shown in client.get("/translate/history/").content.decode()


def test_the_api_keeps_utc(api_client: Any, student: Any) -> None:
    Profile.objects.filter(user=student).update(time_zone="Asia/Kolkata")
    Translation.objects.create(
        user=student, source_language="en", target_language="es", source_text="Hi",
        translated_text="Hola", created_at=datetime(2026, 12, 6, 8, 30, tzinfo=UTC),
    )  # fmt: skip
    api_client.force_login(student)
    item = api_client.get("/api/v1/translate/history/").json()["results"][0]
    assert item["created_at"].startswith("2026-12-06T08:30")
