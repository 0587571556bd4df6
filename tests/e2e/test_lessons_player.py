"""A learner completes the demo lesson that holds every exercise type, in a real browser:
mouse, drag and drop, keyboard, and a recording scored by the real ML service."""

import re
import subprocess

import pytest
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def learner_page(page, live_server, demo_site):  # type: ignore[no-untyped-def]
    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email="student@toto.localhost"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_a_learner_completes_a_lesson_with_every_exercise_type(
    learner_page, live_server, screenshot, tmp_path, settings, ml_service_url, celery_worker
) -> None:
    settings.ML_URL = ml_service_url
    page = learner_page
    page.goto(live_server.url + "/learn/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Learn English")
    page.get_by_label("Search", exact=True).fill("goodbye")
    page.get_by_role("button", name="Search").click()
    screenshot("catalog-search")
    page.get_by_role("link", name="Hello and goodbye").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello and goodbye")

    exercises = page.locator("section.exercise")
    expect(exercises).to_have_count(6)

    def check(section):  # type: ignore[no-untyped-def]
        section.get_by_role("button", name="Check").click()
        return section.locator(".exercise-result")

    # Multiple choice, with the mouse.
    expect(page.locator("article.lesson[data-ready=true]")).to_be_attached()
    mc = page.locator("section[data-exercise-type=multiple_choice]")
    mc.get_by_label("Hi", exact=True).check()
    expect(check(mc)).to_contain_text("Correct!")

    # Fill in the blanks, typed, with tolerant matching.
    blanks = page.locator("section[data-exercise-type=fill_blank]")
    blanks.get_by_label("Blank 1").fill("IS")
    blanks.get_by_label("Blank 2").fill("meet")
    expect(check(blanks)).to_contain_text("Correct!")

    # Ordering, with the keyboard alternative: focus a Move button and press Enter.
    ordering = page.locator("section[data-exercise-type=ordering]")
    wanted = ["Hello!", "Hi, how are you?", "I'm fine, thanks. And you?", "Very well, thank you."]
    for position, text in enumerate(wanted):
        for _ in range(6):
            items = ordering.locator(".ordering-list > li .item-text").all_inner_texts()
            index = items.index(text)
            if index == position:
                break
            ordering.get_by_role("button", name=f"Move “{text}” up").focus()
            page.keyboard.press("Enter")
    expect(check(ordering)).to_contain_text("Correct!")

    # Matching: one by drag and drop with the mouse, the others from the lists.
    matching = page.locator("section[data-exercise-type=matching]")
    matching.locator(".chip", has_text="8 a.m.").drag_to(
        matching.locator(".match-row", has_text="Good morning")
    )
    expect(matching.get_by_label("Good morning")).to_have_value(re.compile(".+"))
    matching.get_by_label("Good afternoon").select_option(label="3 p.m.")
    matching.get_by_label("Good evening").select_option(label="7 p.m.")
    expect(check(matching)).to_contain_text("Correct!")

    # Words into gaps: drag one, place the other by keyboard (select word, then gap).
    words = page.locator("section[data-exercise-type=drag_words]")
    words.locator(".chip", has_text="Goodbye").drag_to(
        words.get_by_role("button", name="Gap 1, empty")
    )
    words.locator(".chip", has_text="tomorrow").focus()
    page.keyboard.press("Enter")
    words.get_by_role("button", name="Gap 2, empty").focus()
    page.keyboard.press("Enter")
    expect(check(words)).to_contain_text("Correct!")

    # Voice: upload a recording made with espeak-ng; the ML service scores it.
    voice = page.locator("section[data-exercise-type=voice]")
    wav = tmp_path / "answer.wav"
    subprocess.run(
        ["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(wav), "Good morning, how are you?"],
        check=True,
    )
    voice.locator("input[type=file]").set_input_files(str(wav))
    result = check(voice)
    expect(result).to_contain_text("Listening")
    expect(result).to_contain_text("We heard", timeout=60_000)
    screenshot("exercises-answered")

    page.get_by_role("button", name="Finish lesson").click()
    expect(page.locator(".finish-result")).to_contain_text("Lesson completed!")
    screenshot("lesson-completed")

    page.goto(live_server.url + "/learn/progress/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My progress")
    expect(page.get_by_role("cell", name="Completed")).to_be_visible()
    screenshot("progress")
