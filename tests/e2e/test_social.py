"""The social pages in a real browser: a learner records a voice moment (Chromium's fake
microphone plays espeak-ng speech) and posts it with a photo, another learner sees it in
their feed, likes it and replies; a moderator limits the author in the Wagtail admin, after
which the author still sees the moment and the other learner does not. Desktop and
390x844, axe and no sideways scroll on every page."""

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def speech_wav(folder: Path) -> Path:
    raw = folder / "raw.wav"
    subprocess.run(
        ["espeak-ng", "-v", "es", "-s", "140", "-w", str(raw), "Hoy he aprendido a pedir café"],
        check=True,
    )
    out = folder / "microphone.wav"
    subprocess.run(
        ["sox", str(raw), "-r", "48000", "-b", "16", "-c", "1", str(out), "pad", "0.3", "0.3"],
        check=True,
    )
    return out


def signed_in(browser: Any, live_server: Any, user: Any, viewport: dict[str, int]) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_voice_moment_like_reply_and_limit(
    viewport: dict[str, int],
    browser: Any,
    browser_with_microphone: Any,
    live_server: Any,
    role_user: Any,
    tmp_path: Path,
    axe: Any,
    no_sideways_scroll: Any,
    screenshot: Any,
    staff_sign_in: Any,
) -> None:
    from accounts.models import LearningLanguage
    from accounts.roles import Role
    from social import services
    from social.models import Moment, MomentMedia
    from social.moderation import make_senior

    ana = role_user(Role.STUDENT, email="ana@example.com", first_name="Ana", last_name="López")
    sam = role_user(Role.STUDENT, email="sam@example.com", first_name="Sam", last_name="Smith")
    moderator = role_user(Role.MODERATOR, email="mo@example.com", first_name="Mo")
    make_senior(moderator)  # limiting an author is a senior moderator's
    LearningLanguage.objects.create(profile=ana.profile, language="es", level="A2")
    services.follow(sam, ana.pk)

    # Ana records a voice clip and posts it with a photo.
    page = signed_in(browser_with_microphone(speech_wav(tmp_path)), live_server, ana, viewport)
    page.goto(live_server.url + "/social/")
    expect(page.get_by_role("heading", name="Moments")).to_be_visible()
    no_sideways_scroll(page)
    axe(page)
    page.get_by_label("What did you learn or practise?").fill("Hoy he aprendido a pedir café ☕")
    page.get_by_label("Topics").fill("café viajes")
    photo = io.BytesIO()
    Image.new("RGB", (800, 600), (180, 120, 60)).save(photo, format="JPEG")
    page.get_by_label("Photos (up to 9)").set_input_files(
        {"name": "cafe.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}
    )
    record = page.locator("[data-record]")
    record.click()
    expect(record).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(2500)
    record.click()
    expect(record).to_have_attribute("aria-pressed", "false")
    expect(page.locator("[data-record-preview]")).to_be_visible()
    screenshot("composer", page=page)
    page.get_by_role("button", name="Post", exact=True).click()
    # Photos and a voice clip together are refused, with the reason shown.
    expect(
        page.get_by_text("A moment has photos, a video or a voice clip: only one of them.")
    ).to_be_visible()
    assert not Moment.objects.exists()

    page.get_by_label("What did you learn or practise?").fill("Hoy he aprendido a pedir café ☕")
    page.get_by_label("Topics").fill("café viajes")
    record.click()
    page.wait_for_timeout(2500)
    record.click()
    expect(page.locator("[data-record-preview]")).to_be_visible()
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_text("Your moment is posted.")).to_be_visible()
    moment = Moment.objects.get()
    clip = MomentMedia.objects.get(moment=moment)
    assert clip.kind == "audio" and clip.mime in {"video/webm", "audio/webm"}
    assert 1.0 < (clip.duration_seconds or 0) < 4.0
    card = page.get_by_test_id("moment").first
    expect(card).to_contain_text("pedir café")
    expect(card.locator("audio")).to_have_count(1)
    no_sideways_scroll(page)
    axe(page)
    screenshot("posted", page=page)

    # Sam sees it in his feed, likes it and comments; Ana replies.
    sam_page = signed_in(browser, live_server, sam, viewport)
    sam_page.goto(live_server.url + "/social/")
    sam_card = sam_page.get_by_test_id("moment").first
    expect(sam_card).to_contain_text("pedir café")
    sam_card.get_by_role("button", name="0 likes").click()
    expect(
        sam_page.get_by_test_id("moment").first.get_by_role("button", name="1 like")
    ).to_be_visible()
    sam_page.get_by_test_id("moment").first.get_by_role("link", name="0 comments").click()
    sam_page.get_by_label("Your comment").fill("¡Muy bien! Se dice «un café, por favor».")
    sam_page.get_by_role("button", name="Comment", exact=True).click()
    expect(sam_page.get_by_test_id("comment")).to_contain_text("por favor")
    no_sideways_scroll(sam_page)
    axe(sam_page)
    screenshot("thread", page=sam_page)

    page.goto(f"{live_server.url}/social/moments/{moment.pk}/")
    page.locator("summary", has_text="Reply").click()
    page.get_by_label("Reply to Sam").fill("¡Gracias, Sam!")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.get_by_test_id("reply")).to_contain_text("Gracias")

    # Sam reports it; a moderator limits Ana in the admin, with a reason.
    services.report(sam, target="moment", target_id=moment.pk, category="spam")
    admin = browser.new_context(viewport=viewport).new_page()
    staff_sign_in(admin, live_server.url + "/admin/moderation/social-reports/", moderator)
    admin.get_by_role("link", name="ana@example.com").click()
    expect(admin.get_by_text("Hoy he aprendido a pedir café")).to_be_visible()
    admin.get_by_label("Limit the author (silent: only they see their posts)").check()
    admin.get_by_label("Reason (shown to the author)").fill("Repeated promotional posts")
    screenshot("moderator", page=admin)
    admin.get_by_role("button", name="Save decision").click()
    expect(admin.get_by_text("Decision saved.")).to_be_visible()
    screenshot("queue", page=admin)

    # The shadow-ban from both sides: Ana still sees her moment; Sam no longer does.
    page.goto(live_server.url + "/social/")
    expect(page.get_by_test_id("moment").first).to_contain_text("pedir café")
    sam_page.goto(live_server.url + "/social/")
    expect(sam_page.get_by_test_id("moment")).to_have_count(0)
    expect(sam_page.get_by_text("Nothing here yet")).to_be_visible()
    response = sam_page.goto(f"{live_server.url}/social/moments/{moment.pk}/")
    assert response is not None and response.status == 404
    sam_page.goto(f"{live_server.url}/social/discover/")
    no_sideways_scroll(sam_page)
    axe(sam_page)
    screenshot("discover", page=sam_page)
