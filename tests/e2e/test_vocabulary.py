"""A learner adds a word (and meets the duplicate message), then runs a whole review session
with the keyboard only — flip cards, multiple choice, typing, listening — on a desktop and on a
390x844 phone; the answers reach the server as review logs. axe and sideways scroll checked."""

import datetime as dt
import json
import re
import time

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _bank(user) -> None:  # type: ignore[no-untyped-def]
    from vocabulary import services
    from vocabulary.models import Card

    now = timezone.now()
    words = [
        ("perro", "dog", "noun"), ("gato", "cat", "noun"), ("casa", "house", "noun"),
        ("libro", "book", "noun"), ("agua", "water", "noun"), ("árbol", "tree", "noun"),
    ]  # fmt: skip
    for number, (text, translation, pos) in enumerate(words):
        word = services.add_word(
            user, text=text, translation=translation, language="es", part_of_speech=pos,
            tags=["basics"],
        ).word  # fmt: skip
        if number < 4:  # four reviewed cards that are due now; two brand-new words
            Card.objects.filter(pk=word.card.pk).update(
                last_review=now - dt.timedelta(days=4), due=now - dt.timedelta(hours=number + 1),
                state=2, step=None, stability=4.0, difficulty=5.0,
            )  # fmt: skip


def _play_session(page) -> int:  # type: ignore[no-untyped-def]
    """Answers every card with the keyboard alone; returns how many were answered."""
    from vocabulary.models import Word

    stage = page.locator("#review-stage")
    for answered in range(20):
        expect(stage).to_have_attribute("data-kind", re.compile(".+"))
        kind = stage.get_attribute("data-kind")
        if kind == "summary":
            return answered
        if kind == "flip":
            page.keyboard.press("Space")
            expect(stage.locator("[data-slot=rate]")).to_be_visible()
            page.keyboard.press("3")
        elif kind == "choice":
            front = stage.locator("[data-slot=front]").inner_text()
            translation = Word.objects.get(text=front).translation
            options = json.loads(stage.get_attribute("data-options") or "[]")
            page.keyboard.press(str(options.index(translation) + 1))
            expect(stage).to_have_attribute("data-verdict", "right")
            expect(stage.locator("[data-action=next]")).to_be_focused()
            page.keyboard.press("Space")  # focus is on Continue
        else:  # type the word / listening: the answer box has focus
            if kind == "type":
                shown = stage.locator("[data-slot=front]").inner_text()
                text = Word.objects.get(translation=shown).text
            else:
                expect(stage.locator("[data-action=play]")).to_be_visible()
                text = Word.objects.get(card__pk=int(stage.get_attribute("data-card") or 0)).text
            page.keyboard.type(text)
            page.keyboard.press("Enter")
            expect(stage).to_have_attribute("data-verdict", "right")
            expect(stage.locator("[data-action=next]")).to_be_focused()
            page.keyboard.press("Space")
        answered += 1
        expect(page.locator("#review-progress")).to_have_attribute("aria-valuenow", str(answered))
    raise AssertionError("the session did not end")


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
def test_add_words_and_review_with_the_keyboard(
    browser, live_server, signed_in_page, student, axe, no_sideways_scroll, screenshot,
    ml_service_url, viewport,
) -> None:  # fmt: skip
    from vocabulary.models import ReviewLog, Word

    _bank(student)
    with override_settings(ML_URL=ml_service_url, ML_API_KEY=""):
        page = signed_in_page(browser, live_server.url, student)
        page.set_viewport_size(viewport)
        page.goto(live_server.url + "/vocabulary/")
        expect(page.get_by_role("heading", level=1)).to_have_text("My words")
        page.get_by_text("Add a word").click()
        page.get_by_label("Word or phrase").fill("la ventana")
        page.get_by_label("Translation").fill("the window")
        page.get_by_label("Language of the word").select_option("es")
        page.get_by_label("Tags").fill("home, house")
        page.get_by_role("button", name="Add to my words").click()
        expect(page.get_by_text("“la ventana” is in your words.")).to_be_visible()
        assert Word.objects.filter(owner=student, text="la ventana").exists()
        page.get_by_text("Add a word").click()
        page.get_by_label("Word or phrase").fill("La Ventana!")
        page.get_by_label("Language of the word").select_option("es")
        page.get_by_role("button", name="Add to my words").click()
        expect(page.get_by_text("is already in your words")).to_be_visible()
        assert Word.objects.filter(owner=student).count() == 7
        no_sideways_scroll(page)
        axe(page)
        screenshot(f"bank-{viewport['width']}", page=page)

        page.get_by_role("link", name="Review").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Review words")
        expect(page.locator("#review-due")).to_contain_text("7 due")
        expect(page.locator("#review-stage")).to_have_attribute("data-kind", re.compile(".+"))
        no_sideways_scroll(page)
        axe(page)
        screenshot(f"review-{viewport['width']}", page=page)
        answered = _play_session(page)
        assert answered == 7
        expect(page.get_by_role("heading", name="Session complete")).to_be_visible()
        expect(page.locator("#review-stage")).to_have_attribute("data-synced", "yes")
        no_sideways_scroll(page)
        axe(page)
        screenshot(f"summary-{viewport['width']}", page=page)
    deadline = time.monotonic() + 5
    while ReviewLog.objects.filter(owner=student).count() < 7 and time.monotonic() < deadline:
        time.sleep(0.1)
    logs = ReviewLog.objects.filter(owner=student)
    assert logs.count() == 7
    assert set(logs.values_list("rating", flat=True)) <= {2, 3, 4}  # all right answers
    assert logs.filter(was_new=True).count() == 3


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 360, "height": 640}],
    ids=["desktop", "phone"],
)
def test_edit_one_word_and_see_the_retention_workload(
    browser, live_server, signed_in_page, student, axe, no_sideways_scroll, screenshot, viewport,
) -> None:  # fmt: skip
    from vocabulary.models import Word

    _bank(student)
    page = signed_in_page(browser, live_server.url, student)
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/vocabulary/")
    page.get_by_role("link", name="perro").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("perro")
    page.get_by_label("Translation").fill("dog, hound")
    page.get_by_label("CEFR level").select_option("A1")
    no_sideways_scroll(page)
    axe(page)
    screenshot(f"edit-{viewport['width']}", page=page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("“perro” is saved.")).to_be_visible()
    word = Word.objects.get(owner=student, text="perro")
    assert (word.translation, word.level) == ("dog, hound", "A1")

    page.get_by_text("Review settings").click()
    table = page.locator("table.vocab-workload")
    expect(table).to_be_visible()
    expect(table.locator("tr[aria-current=true]")).to_contain_text("0.90 (yours)")
    no_sideways_scroll(page)
    axe(page)
    screenshot(f"workload-{viewport['width']}", page=page)

    page.get_by_role("link", name="gato").click()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("“gato” is deleted.")).to_be_visible()
    assert not Word.objects.filter(owner=student, text="gato").exists()
