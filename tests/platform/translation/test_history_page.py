"""The translation history page: the owner's own translations only, a bounded number of
queries whatever its length, deletion of one's own items only."""

from typing import Any

import pytest

from translation.models import Translation

pytestmark = pytest.mark.django_db


def make(user: Any, count: int, text: str = "Good morning") -> None:
    Translation.objects.bulk_create(
        Translation(
            user=user,
            source_language="en",
            target_language="es",
            source_text=f"{text} {n}",
            translated_text=f"Buenos días {n}",
            engine="apertium",
        )
        for n in range(count)
    )


def test_lists_only_ones_own_history_in_pages(
    client: Any, student: Any, other_student: Any, assert_num_queries: Any
) -> None:
    make(student, 25)
    make(other_student, 3, text="Secret")
    client.force_login(student)
    client.get("/translate/history/")  # the site's settings row is created on first use
    # Session, user, language and zone, permissions, roles (the Teach entry) and the site's
    # chrome, then one count and one page.
    with assert_num_queries(11):
        first = client.get("/translate/history/")
    body = first.content.decode()
    assert body.count('class="history-item card"') == 20
    assert "Secret" not in body and "Page 1 of 2" in body
    make(student, 25)
    with assert_num_queries(11):
        client.get("/translate/history/?page=2")
    found = client.get("/translate/history/?q=morning 7").content.decode()
    assert "Good morning 7" in found and "Good morning 8" not in found


def test_delete_one_and_clear_all_touch_only_ones_own(
    client: Any, student: Any, other_student: Any
) -> None:
    make(student, 2)
    make(other_student, 1)
    theirs = Translation.objects.get(user=other_student)
    client.force_login(student)
    assert client.post(f"/translate/history/{theirs.pk}/delete/").status_code == 404
    mine = Translation.objects.filter(user=student).first()
    assert client.post(f"/translate/history/{mine.pk}/delete/").status_code == 302
    assert Translation.objects.filter(user=student).count() == 1
    assert client.get(f"/translate/history/{mine.pk}/delete/").status_code == 405
    client.post("/translate/history/clear/")
    assert not Translation.objects.filter(user=student).exists()
    assert Translation.objects.filter(user=other_student).count() == 1


def test_anonymous_is_sent_to_sign_in(client: Any) -> None:
    response = client.get("/translate/history/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
