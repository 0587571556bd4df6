"""A learner adds a word (and meets the duplicate message), then runs a whole review session
with the keyboard only — flip cards, multiple choice, typing, listening, word chips — on a
desktop and on a 390x844 phone; the answers reach the server as review logs. Say-it with a
microphone that speaks (espeak-ng), scored by the real ML service. axe and sideways scroll
checked."""

import datetime as dt
import json
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _bank(user) -> None:  # type: ignore[no-untyped-def]
    from vocabulary import services
    from vocabulary.models import Card, Word

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
    # "perro" has an example sentence: a word-chips card. Its rotation (flip, type, listen,
    # choice, chips: review.js's kindOf, without a microphone) is made to land on chips.
    perro = Word.objects.get(owner=user, text="perro")
    services.update_word(perro, example="El perro come pan en casa")
    Card.objects.filter(pk=perro.card.pk).update(reps=(4 - perro.card.pk) % 5 + 5)


NO_MICROPHONE = "navigator.mediaDevices.enumerateDevices = async () => [];"


def _build_with_chips(page, screenshot=None) -> None:  # type: ignore[no-untyped-def]
    """Taps the example's words in order with the keyboard: one distractor first, taken back
    with Backspace; Enter checks once the last word is placed."""
    from vocabulary.models import Word

    stage = page.locator("#review-stage")
    word = Word.objects.get(card__pk=int(stage.get_attribute("data-card") or 0))
    chips = json.loads(stage.get_attribute("data-chips") or "[]")
    wanted = re.findall(r"\w+", word.example)
    assert sorted(wanted) == sorted(c for c in chips if c in wanted) and len(chips) > len(wanted)
    expect(stage.locator(".vocab-chip").first).to_be_focused()
    if screenshot:
        screenshot()
    wrong = next(index for index, chip in enumerate(chips) if chip not in wanted)
    stage.locator(f'[data-chip="{wrong}"]').focus()
    page.keyboard.press("Space")
    expect(stage.locator("[data-slot=built] .vocab-chip")).to_have_count(1)
    page.keyboard.press("Backspace")
    expect(stage.locator("[data-slot=built] .vocab-chip")).to_have_count(0)
    used: set[int] = set()
    for text in wanted:
        index = next(i for i, chip in enumerate(chips) if chip == text and i not in used)
        used.add(index)
        stage.locator(f'[data-slot=chips] [data-chip="{index}"]').focus()
        page.keyboard.press("Space")
    expect(stage.locator("[data-slot=built]")).to_have_text(re.compile(r"El\s*perro\s*come"))
    expect(stage.locator("[data-action=check]")).to_be_focused()
    page.keyboard.press("Enter")


def _play_session(page, screenshot=None) -> int:  # type: ignore[no-untyped-def]
    """Answers every card with the keyboard alone; returns how many were answered."""
    from vocabulary.models import Word

    stage = page.locator("#review-stage")
    kinds = set()
    for answered in range(20):
        expect(stage).to_have_attribute("data-kind", re.compile(".+"))
        kind = stage.get_attribute("data-kind")
        if kind == "summary":
            assert "chips" in kinds, kinds
            return answered
        kinds.add(kind)
        if kind == "chips":
            _build_with_chips(page, screenshot)
            expect(stage).to_have_attribute("data-verdict", "right")
            expect(stage.locator("[data-action=next]")).to_be_focused()
            page.keyboard.press("Space")
        elif kind == "flip":
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
        page.add_init_script(NO_MICROPHONE)  # say-it is its own test, below
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
        answered = _play_session(page, lambda: screenshot(f"chips-{viewport['width']}", page=page))
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


def _speech_wav(folder: Path, text: str) -> Path:
    raw = folder / "raw.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(raw), text], check=True)
    out = folder / "microphone.wav"
    subprocess.run(
        ["sox", str(raw), "-r", "48000", "-b", "16", "-c", "1", str(out), "pad", "0.3", "0.3"],
        check=True,
    )
    return out


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 360, "height": 640}],
    ids=["desktop", "phone"],
)
def test_say_it_with_the_microphone_is_scored_by_the_ml_service(
    browser_with_microphone: Any, live_server: Any, student: Any, axe: Any,
    no_sideways_scroll: Any, screenshot: Any, ml_service_url: str, tmp_path: Path,
    viewport: dict[str, int],
) -> None:  # fmt: skip
    from django.test import Client

    from vocabulary import services
    from vocabulary.models import Card, ReviewLog

    word = services.add_word(
        student, text="good morning", translation="buenos días", language="en"
    ).word
    # One word: flip, type, listen, say (no choice, no chips): made to land on say.
    Card.objects.filter(pk=word.card.pk).update(
        last_review=timezone.now() - dt.timedelta(days=3), due=timezone.now(), state=2,
        step=None, stability=3.0, difficulty=5.0, reps=(3 - word.card.pk) % 4 + 4,
    )  # fmt: skip
    browser = browser_with_microphone(_speech_wav(tmp_path, "good morning"))
    client = Client()
    client.force_login(student)
    context = browser.new_context(viewport=viewport)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    with override_settings(ML_URL=ml_service_url, ML_API_KEY=""):
        page.goto(live_server.url + "/vocabulary/review/")
        stage = page.locator("#review-stage")
        expect(stage).to_have_attribute("data-kind", "say")
        expect(stage.locator("[data-slot=front]")).to_have_text("good morning")
        expect(stage.locator("[data-action=record]")).to_be_focused()
        no_sideways_scroll(page)
        axe(page)
        screenshot(f"say-{viewport['width']}", page=page)
        page.keyboard.press("Space")  # the focused Record button
        expect(stage.locator("[data-action=record]")).to_have_attribute("aria-pressed", "true")
        page.wait_for_timeout(2500)  # the microphone says the words (a recording, not a check)
        page.keyboard.press("r")
        expect(stage).to_have_attribute("data-verdict", re.compile("right|wrong"), timeout=60000)
        expect(stage.locator("[data-slot=rating]")).to_contain_text("Pronunciation score")
        no_sideways_scroll(page)
        screenshot(f"say-scored-{viewport['width']}", page=page)
        page.keyboard.press("Space")
        expect(page.get_by_role("heading", name="Session complete")).to_be_visible()
    deadline = time.monotonic() + 5
    while not ReviewLog.objects.filter(owner=student).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = ReviewLog.objects.get(owner=student)
    assert log.duration_ms > 2000  # the time it took, recording included
    context.close()
