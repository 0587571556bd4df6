"""Uploads show their progress, at phone size: a learner's profile picture, a teacher's
material, and a moment with a photo (the composer keeps its page: the bar stays, finished,
above the feed that now shows the moment).

The avatar and the material go through the shared ``data-upload-progress`` forms, which
replace the page with the server's answer once it arrives: the network is slowed down (the
browser's own throttling, through the DevTools protocol) so that the finished bar is on
screen long enough to be seen. Every assertion is on the bar's state (role progressbar,
``aria-valuenow`` 100, ``data-state`` done), never on how long anything took."""

import os
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
TIMEOUT = 30_000  # a busy machine is slow; nothing here is timed


def noisy_jpeg(size: int = 700) -> bytes:
    """A photo of a few hundred kilobytes (noise does not compress): enough bytes for
    several progress events."""
    image = Image.frombytes("RGB", (size, size), os.urandom(size * size * 3))
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def padded_pdf(kilobytes: int = 300) -> bytes:
    stream = os.urandom(kilobytes * 1024)
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Length "
        + str(len(stream)).encode()
        + b" >>\nstream\n"
        + stream
        + b"\nendstream\nendobj\ntrailer\n<<>>\n%%EOF\n"
    )


def slow_network(page):  # type: ignore[no-untyped-def]
    """Chromium's network throttling: uploads at 256 KB/s and a second of latency on each
    answer (the upload's answer is a redirect and the page it leads to)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 1000,
            "downloadThroughput": -1,
            "uploadThroughput": 256 * 1024,
        },
    )
    return cdp


def normal_network(cdp) -> None:  # type: ignore[no-untyped-def]
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )


def signed_in(browser, base_url: str, user):  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=PHONE)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_avatar_material_and_moment_uploads_show_their_progress(  # type: ignore[no-untyped-def]
    browser, live_server, role_user, screenshot, axe, no_sideways_scroll
) -> None:
    from accounts.roles import Role
    from materials.models import Material
    from social.models import Moment, MomentMedia

    url = live_server.url
    ana = role_user(Role.STUDENT, email="ana@example.com", first_name="Ana", last_name="López")
    tomas = role_user(Role.TEACHER, email="tomas@example.com", first_name="Tomás")

    # A profile picture.
    page = signed_in(browser, url, ana)
    page.goto(url + "/accounts/profile/")
    page.get_by_label("Avatar").set_input_files(
        {"name": "me.jpg", "mimeType": "image/jpeg", "buffer": noisy_jpeg()}
    )
    cdp = slow_network(page)
    page.get_by_role("button", name="Upload picture").click()
    bar = page.get_by_role("progressbar", name="Uploading your picture…")
    expect(bar).to_be_visible(timeout=TIMEOUT)
    screenshot("avatar-uploading", page=page)
    expect(bar).to_have_attribute("aria-valuenow", "100", timeout=TIMEOUT)
    expect(page.get_by_text("Your new picture is saved.")).to_be_visible(timeout=TIMEOUT)
    normal_network(cdp)
    expect(page.get_by_role("img", name="Your picture")).to_be_visible(timeout=TIMEOUT)

    # A moment with a photo: the composer keeps the page and its finished bar.
    page.goto(url + "/social/")
    page.get_by_label("What did you learn or practise?").fill("Mi primera foto del mercado")
    page.get_by_label("Photos (up to 9)").set_input_files(
        {"name": "mercado.jpg", "mimeType": "image/jpeg", "buffer": noisy_jpeg()}
    )
    page.evaluate("window.composerPage = 'kept'")
    page.get_by_role("button", name="Post", exact=True).click()
    bar = page.get_by_role("progressbar", name="Posting your moment…")
    expect(bar).to_have_attribute("aria-valuenow", "100", timeout=TIMEOUT)
    progress = page.get_by_test_id("upload-progress")
    expect(progress).to_have_attribute("data-state", "done", timeout=TIMEOUT)
    expect(progress).to_contain_text("Posted.", timeout=TIMEOUT)
    expect(page.get_by_text("Your moment is posted.")).to_be_visible(timeout=TIMEOUT)
    card = page.get_by_test_id("moment").first
    expect(card).to_contain_text("Mi primera foto del mercado", timeout=TIMEOUT)
    expect(card.get_by_role("img")).not_to_have_count(0, timeout=TIMEOUT)
    # The same page (not a reload, nor a document written over it), with an empty composer.
    assert page.evaluate("window.composerPage") == "kept"
    expect(page.get_by_label("What did you learn or practise?")).to_have_value("", timeout=TIMEOUT)
    no_sideways_scroll(page)
    axe(page)
    screenshot("moment-posted", page=page)
    moment = Moment.objects.get(author=ana)
    assert MomentMedia.objects.filter(moment=moment, kind="image").count() == 1
    page.context.close()

    # A teacher's material.
    page = signed_in(browser, url, tomas)
    page.goto(url + "/materials/library/")
    page.get_by_label("File (PDF, audio or video)").set_input_files(
        {"name": "subjuntivo.pdf", "mimeType": "application/pdf", "buffer": padded_pdf()}
    )
    page.get_by_label("Title").fill("El subjuntivo en tablas")
    cdp = slow_network(page)
    page.get_by_role("button", name="Upload", exact=True).click()
    bar = page.get_by_role("progressbar", name="Uploading the file…")
    expect(bar).to_be_visible(timeout=TIMEOUT)
    expect(bar).to_have_attribute("aria-valuenow", "100", timeout=TIMEOUT)
    screenshot("material-uploaded", page=page)
    expect(page.get_by_role("link", name="El subjuntivo en tablas")).to_be_visible(timeout=TIMEOUT)
    normal_network(cdp)
    assert Material.objects.filter(teacher=tomas, title="El subjuntivo en tablas").exists()
    page.context.close()
