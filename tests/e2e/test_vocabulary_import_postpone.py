"""A learner imports a CSV word list from the word bank (summary with a duplicate and a
rejected row), then postpones an overdue backlog and advances the coming days' cards from the
review page, on a desktop and on a 360x640 phone. axe and sideways scroll checked."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CSV = (
    b"text,translation,language,level,tags\n"
    b"la mesa,the table,es,A1,home\n"
    b"Perro,dog,es,,\n"
    b"la silla,the chair,es,Z9,\n"
    b"la ventana,the window,,A2,home\n"
)


def _reviewed(user, text: str, days_ago: float) -> None:  # type: ignore[no-untyped-def]
    from vocabulary import services

    word = services.add_word(user, text=text, language="es", translation=f"{text}?").word
    services.submit_review(
        user, card_id=word.card.pk, rating=4, duration_ms=1000, idempotency_key=str(uuid.uuid4()),
        reviewed_at=timezone.now() - dt.timedelta(days=days_ago),
    )  # fmt: skip


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 360, "height": 640}],
    ids=["desktop", "phone"],
)
def test_import_a_word_list_then_postpone_and_advance(
    browser, live_server, signed_in_page, student, axe, no_sideways_scroll, screenshot, viewport,
) -> None:  # fmt: skip
    from vocabulary.models import DueShift, Word

    _reviewed(student, "perro", days_ago=12)  # overdue, can wait a week
    _reviewed(student, "gato", days_ago=12)
    _reviewed(student, "casa", days_ago=6)  # due in two days
    page = signed_in_page(browser, live_server.url, student)
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/vocabulary/")
    page.get_by_role("link", name="Import CSV or Anki").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import words")
    page.get_by_label("File").set_input_files(
        {"name": "words.csv", "mimeType": "text/csv", "buffer": CSV}
    )
    page.get_by_label("Language of the words").select_option("es")
    page.get_by_role("button", name="Import").click()
    summary = page.get_by_test_id("import-summary")
    expect(summary).to_be_visible()
    expect(page.get_by_test_id("import-added")).to_have_text("2")
    expect(page.get_by_test_id("import-duplicates")).to_have_text("1")
    expect(summary).to_contain_text("is not a CEFR level")
    no_sideways_scroll(page)
    axe(page)
    screenshot(f"import-{viewport['width']}", page=page)
    assert set(
        Word.objects.filter(owner=student, source="import").values_list("text", flat=True)
    ) == {"la mesa", "la ventana"}

    page.goto(live_server.url + "/vocabulary/review/")
    page.get_by_text("Behind, or going away?").click()
    postpone = page.get_by_test_id("postpone-form")
    expect(postpone).to_contain_text("2 cards are overdue")
    postpone.get_by_label("Spread over the next (days)").fill("5")
    postpone.get_by_label("Yes, move these cards").check()
    no_sideways_scroll(page)
    axe(page)
    screenshot(f"shift-{viewport['width']}", page=page)
    postpone.get_by_role("button", name="Postpone").click()
    expect(page.get_by_text("2 cards postponed over the next 5 days")).to_be_visible()
    assert DueShift.objects.filter(owner=student, kind="postpone").count() == 2

    page.get_by_text("Behind, or going away?").click()
    advance = page.get_by_test_id("advance-form")
    advance.get_by_label("Cards due in the next (days)").fill("7")
    advance.get_by_role("button", name="Advance").click()  # not confirmed: the browser refuses
    confirm = advance.get_by_label("Yes, move these cards")
    assert confirm.evaluate("box => box.validity.valueMissing") is True
    assert not DueShift.objects.filter(owner=student, kind="advance").exists()
    advance.get_by_label("Yes, move these cards").check()
    advance.get_by_role("button", name="Advance").click()
    expect(page.get_by_text("cards due in the next 7 days are due now")).to_be_visible()
    page.get_by_text("Behind, or going away?").click()
    expect(page.get_by_test_id("shift-history")).to_contain_text("advanced")
    no_sideways_scroll(page)
    axe(page)
    screenshot(f"shift-done-{viewport['width']}", page=page)
    assert DueShift.objects.filter(owner=student, kind="advance").count() == 3
