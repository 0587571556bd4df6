"""A classroom in two browsers with Chromium's fake camera and microphone: the teacher lets
the learner in from the waiting room, their peer connection (signalled over our socket)
connects, both agree to be recorded, the teacher records the room's audio (MediaRecorder),
it is uploaded through the REST endpoint and listed for playback on both pages."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"
FAKE_MEDIA = [
    "--use-fake-ui-for-media-stream",  # grant camera/microphone without asking
    "--use-fake-device-for-media-stream",  # a synthetic beep and test pattern
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture
def media_browser(playwright, browser_type_launch_args: dict) -> Iterator:  # type: ignore[no-untyped-def]
    """A Chromium of its own with fake media devices (only this module's tests need them)."""
    args = {**browser_type_launch_args}
    args["args"] = [*args.get("args", []), *FAKE_MEDIA]
    browser = playwright.chromium.launch(**args)
    yield browser
    browser.close()


def test_a_classroom_is_recorded_with_consent_and_listed_for_playback(
    media_browser, asgi_live_server, signed_in_page, role_user
) -> None:
    from accounts.roles import Role
    from rooms import services
    from rooms.models import Attendance, Recording

    tomas = role_user(
        Role.TEACHER, email="tomas@example.com", first_name="Tomás", last_name="Teacher"
    )
    sam = role_user(Role.STUDENT, email="sam@example.com", first_name="Sam", last_name="Student")
    room = services.create_classroom(tomas, [sam], topic="Spanish B1", language="es")
    url = f"{asgi_live_server}/rooms/{room.pk}/"

    teacher = signed_in_page(media_browser, asgi_live_server, tomas)
    learner = signed_in_page(media_browser, asgi_live_server, sam)
    teacher.goto(url)
    expect(teacher.locator("#room-status")).to_contain_text("In the room as teacher")
    expect(teacher.locator("#recordings")).to_contain_text("No recordings yet.")

    learner.goto(url)
    expect(learner.locator("#room-status")).to_contain_text("Waiting for the teacher")
    teacher.get_by_role("button", name="Let Sam Student in").click()
    expect(learner.locator("#room-status")).to_contain_text("In the room as learner")

    # WebRTC through our signalling: both ends report a connected peer connection.
    expect(teacher.locator(".room")).to_have_attribute(
        "data-connection", "connected", timeout=20000
    )
    expect(learner.locator(".room")).to_have_attribute(
        "data-connection", "connected", timeout=20000
    )
    assert Attendance.objects.filter(room=room, left_at__isnull=True).count() == 2

    start = teacher.get_by_role("button", name="Start recording")
    expect(start).to_be_disabled()
    teacher.get_by_role("button", name="Ask to record").click()
    for page in (learner, teacher):
        prompt = page.get_by_role("alertdialog")
        expect(prompt).to_be_visible()
        prompt.get_by_role("button", name="I agree").click()
    expect(start).to_be_enabled()
    expect(teacher.locator("#room-status")).to_contain_text("Everyone agreed")

    start.click()
    expect(teacher.locator(".room")).to_have_attribute("data-recording", "on")
    teacher.wait_for_timeout(2500)  # a couple of seconds of the fake microphone's beep
    teacher.get_by_role("button", name="Stop recording").click()
    expect(teacher.locator("#room-status")).to_contain_text("Recording saved.", timeout=15000)

    recording = Recording.objects.get(room=room)
    assert recording.uploaded_by == tomas
    assert recording.mime in {"audio/webm", "video/webm"} and recording.size > 1000
    assert sorted(recording.consented_user_ids) == sorted([str(tomas.pk), str(sam.pk)])
    with recording.file.open("rb") as stored:
        expected = stored.read()
    for page in (teacher, learner):  # the learner's list reloads on recording.saved
        players = page.locator("#recordings audio")
        expect(players).to_have_count(1)
        # Served by the permission-checked view (the file is in the private storage).
        src = f"/api/v1/rooms/{room.pk}/recordings/{recording.pk}/file/"
        expect(players).to_have_attribute("src", src)
        played = page.request.get(asgi_live_server + src)
        assert played.status == 200 and played.body() == expected

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    teacher.screenshot(path=str(ARTIFACTS / "classroom-teacher.png"), full_page=True)
    learner.screenshot(path=str(ARTIFACTS / "classroom-learner.png"), full_page=True)
    learner.reload()  # the list is also on the page as served
    expect(learner.locator("#recordings audio")).to_have_count(1)
