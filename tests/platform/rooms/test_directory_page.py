"""The voice rooms page: rooms found by topic, and the form that opens one."""

from typing import Any

import pytest

from rooms import services

pytestmark = pytest.mark.django_db


def test_voice_rooms_are_found_by_topic(
    client: Any, student: Any, django_assert_max_num_queries: Any
) -> None:
    for topic in ("Travel in Mexico", "Cooking paella", "Football talk"):
        services.create_voice_room(student, topic, "es")
    client.force_login(student)

    every = client.get("/rooms/").content.decode()
    assert all(t in every for t in ("Travel in Mexico", "Cooking paella", "Football talk"))

    with django_assert_max_num_queries(10):
        found = client.get("/rooms/", {"topic": "  PAELLA "}).content.decode()
    assert "Cooking paella" in found
    assert "Travel in Mexico" not in found and "Football talk" not in found
    assert 'value="PAELLA"' in found  # the search box keeps what was looked for

    none = client.get("/rooms/", {"topic": "chess"}).content.decode()
    assert "No open room about “chess”: open one!" in none


def test_the_new_room_form_offers_the_languages_the_server_accepts(
    client: Any, student: Any
) -> None:
    """The language was a free text box: a code the API refuses (400) left the button doing
    nothing. It is a list of the accepted languages now, with a place for the refusal."""
    client.force_login(student)
    page = client.get("/rooms/").content.decode()
    assert '<select id="room-language" name="language" required>' in page
    assert '<option value="es">' in page
    assert 'id="new-room-error"' in page and 'role="alert"' in page
