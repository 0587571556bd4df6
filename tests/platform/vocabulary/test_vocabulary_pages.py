"""The word bank pages: one-click adds from other apps' pages, the page's query cost, bulk
actions and settings through plain forms."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import RequestFactory

from vocabulary import services
from vocabulary.models import LearnerSchedule, Word

pytestmark = pytest.mark.django_db


def test_lesson_vocabulary_block_offers_one_click_add(client: Any, student: Any) -> None:
    from cms.learning.blocks import VocabularyListBlock

    block = VocabularyListBlock()
    value = block.to_python(
        {"title": "Greetings", "words": [{"word": "hola", "translation": "hello", "example": ""}]}
    )
    request = RequestFactory().get("/learn/spanish/greetings/")
    request.user = student
    page = SimpleNamespace(target_language="es", pk=42, title="Greetings, basics")
    html = block.render(value, context={"request": request, "page": page})
    assert 'action="/vocabulary/quick-add/"' in html and 'value="lesson:42"' in html
    request.user = SimpleNamespace(is_authenticated=False)
    assert "quick-add" not in block.render(value, context={"request": request, "page": page})

    client.force_login(student)
    body = {"text": "hola", "translation": "hello", "language": "es", "source": "lesson",
            "source_ref": "lesson:42", "tags": "Greetings basics", "next": "/learn/spanish/greetings/"}  # fmt: skip
    response = client.post("/vocabulary/quick-add/", body)
    assert response.status_code == 302 and response["Location"] == "/learn/spanish/greetings/"
    word = Word.objects.get(owner=student)
    assert (word.source, word.source_ref, word.translation) == ("lesson", "lesson:42", "hello")
    assert [tag.name for tag in word.tags.all()] == ["Greetings basics"]
    again = client.post("/vocabulary/quick-add/", {**body, "next": "https://evil.example/"})
    assert again["Location"] == "/vocabulary/"  # never off-site
    assert Word.objects.filter(owner=student).count() == 1


def test_word_bank_page_cost_does_not_grow(
    client: Any, student: Any, assert_num_queries: Any
) -> None:
    client.force_login(student)
    empty = client.get("/vocabulary/")
    assert "Your word bank is empty" in empty.content.decode()
    for number in range(3):
        services.add_word(student, text=f"palabra{number}", language="es", tags=["a", "b"])
    # session, user, profile, count, page, tags, total, schedule x2, zone, today's counts,
    # due ids x2, tag list, the user's permissions x3, email verified, site, site settings.
    with assert_num_queries(20):
        first = client.get("/vocabulary/")
    for number in range(10):
        services.add_word(student, text=f"otra{number}", language="es", tags=[f"t{number}"])
    with assert_num_queries(20):
        second = client.get("/vocabulary/?status=new")
    assert "palabra1" in first.content.decode() and "otra9" in second.content.decode()
    review = client.get("/vocabulary/review/")
    assert review.status_code == 200 and "13 due" in review.content.decode()


def test_add_form_bulk_and_settings(client: Any, student: Any, other_student: Any) -> None:
    theirs = services.add_word(other_student, text="suyo", language="es").word
    client.force_login(student)
    client.post("/vocabulary/add/", {"text": "mesa", "translation": "table", "language": "es",
                                     "tags": "home, furniture"})  # fmt: skip
    duplicate = client.post("/vocabulary/add/", {"text": "Mesa", "language": "es"}, follow=True)
    assert "already in your words" in duplicate.content.decode()
    mine = Word.objects.get(owner=student)
    client.post("/vocabulary/bulk/", {"ids": [mine.pk, theirs.pk], "action": "set_level",
                                      "level": "A1"})  # fmt: skip
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.level == "A1" and theirs.level != "A1"
    client.post("/vocabulary/bulk/", {"ids": [theirs.pk], "action": "delete"})
    assert Word.objects.filter(pk=theirs.pk).exists()
    client.post(
        "/vocabulary/settings/",
        {"desired_retention": "0.8", "daily_new_limit": "5", "daily_review_limit": "50",
         "easy_days": ["6"], "reminder_time": "18:00"},
    )  # fmt: skip
    schedule = LearnerSchedule.objects.get(user=student)
    assert schedule.desired_retention == 0.8 and schedule.easy_days == [6]
    refused = client.post(
        "/vocabulary/settings/",
        {"desired_retention": "0.99", "daily_new_limit": "5", "daily_review_limit": "50"},
        follow=True,
    )
    assert refused.status_code == 200
    schedule.refresh_from_db()
    assert schedule.desired_retention == 0.8


def test_one_word_is_edited_and_deleted_on_its_own_page(
    client: Any, student: Any, other_student: Any, assert_num_queries: Any
) -> None:
    word = services.add_word(
        student, text="hola", language="es", translation="hi", tags=["greetings"]
    ).word
    services.add_word(student, text="adiós", language="es")
    client.force_login(student)
    listing = client.get("/vocabulary/").content.decode()
    assert f'href="/vocabulary/{word.pk}/"' in listing
    # session, user, the word with card and tags, the page's header and settings.
    with assert_num_queries(12, exact=False):
        page = client.get(f"/vocabulary/{word.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'value="hola"' in html and 'value="greetings"' in html

    fields = {"text": "¡Hola!", "translation": "hello", "language": "es",
              "part_of_speech": "interjection", "example": "¡Hola, Ana!", "level": "A1",
              "tags": "greetings, basics"}  # fmt: skip
    saved = client.post(f"/vocabulary/{word.pk}/", fields)
    assert saved.status_code == 302 and saved["Location"] == "/vocabulary/"
    word.refresh_from_db()
    assert (word.text, word.translation, word.level, word.part_of_speech) == (
        "¡Hola!", "hello", "A1", "interjection",
    )  # fmt: skip
    assert sorted(tag.name for tag in word.tags.all()) == ["basics", "greetings"]
    assert word.card.pk  # the card (and its schedule) stays with the edited word

    clash = client.post(f"/vocabulary/{word.pk}/", {**fields, "text": "Adiós"})
    assert clash.status_code == 200 and "already in your words" in clash.content.decode()
    word.refresh_from_db()
    assert word.text == "¡Hola!"
    invalid = client.post(f"/vocabulary/{word.pk}/", {**fields, "text": ""})
    assert invalid.status_code == 200 and 'id="id_text_error"' in invalid.content.decode()

    client.force_login(other_student)  # nobody edits, deletes or sees another's word
    assert client.get(f"/vocabulary/{word.pk}/").status_code == 404
    assert client.post(f"/vocabulary/{word.pk}/", fields).status_code == 404
    assert client.post(f"/vocabulary/{word.pk}/delete/").status_code == 404
    client.force_login(student)
    assert client.get(f"/vocabulary/{word.pk}/delete/").status_code == 405
    gone = client.post(f"/vocabulary/{word.pk}/delete/")
    assert gone.status_code == 302 and not Word.objects.filter(pk=word.pk).exists()
