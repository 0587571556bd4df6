"""The installable app in Chromium with a phone's screen: install criteria through the DevTools
protocol, the service worker's offline lesson, phrasebook, history and fallback page after going
offline, and the outbox replaying a phrasebook save made offline once the network is back,
checked in the server's rows; a flashcard review session done offline and synced, checked in
the server's review log."""

import datetime as dt
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

VAPID_PEM = (
    ec.generate_private_key(ec.SECP256R1())
    .private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    .decode()
)
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/156.0.0.0 Mobile Safari/537.36"
    ),
}


@pytest.fixture
def phone(
    browser_type: Any,
    browser_type_launch_args: dict[str, Any],
    tmp_path: Any,
    live_server: Any,
    demo_site: Any,
    ml_service_url: str,
    settings: Any,
) -> Any:
    """A phone-sized Chromium with a real profile: Playwright's usual contexts are incognito,
    where Chromium refuses to install any app ("in-incognito")."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.ML_URL = ml_service_url
    settings.ML_API_KEY = ""
    settings.VAPID_PRIVATE_KEY = VAPID_PEM
    client = Client()
    client.force_login(get_user_model().objects.get(email="student@toto.localhost"))
    context = browser_type.launch_persistent_context(
        str(tmp_path / "profile"), **browser_type_launch_args, **PHONE
    )
    context.grant_permissions(["notifications"], origin=live_server.url)
    csp_errors: list[str] = []
    context.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    yield context.pages[0] if context.pages else context.new_page()
    context.close()
    assert not csp_errors, csp_errors


def wait_for_control(page: Any) -> None:
    """The service worker is active and controls this page (it claims open pages)."""
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=20_000)


def test_install_criteria_and_offline_lessons_phrasebook_and_outbox(
    phone: Any, live_server: Any, screenshot: Any, axe: Any, no_sideways_scroll: Any
) -> None:
    from cms.learning.models import LessonPage
    from translation.models import PhrasebookEntry

    page = phone
    base = live_server.url
    page.goto(base + "/learn/")
    wait_for_control(page)

    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    assert manifest["url"].endswith("/manifest.webmanifest")
    installability = cdp.send("Page.getInstallabilityErrors")
    assert installability["installabilityErrors"] == [], installability

    # Online: open a lesson, the translate page (phrasebook) and the history once.
    lesson = LessonPage.objects.live().order_by("path").first()
    assert lesson is not None
    lesson_url = base + lesson.url
    page.goto(lesson_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(lesson.title)
    page.goto(base + "/translate/")
    expect(page.locator("#phrasebook-list li")).to_have_count(8)
    expect(page.locator("#target option[value=es]")).to_have_count(1)
    page.get_by_label("Text to translate").fill("We visited the museum yesterday.")
    page.get_by_role("button", name="Translate", exact=True).click()
    expect(page.locator("#translated-text")).to_contain_text("museo", timeout=20_000)
    page.goto(base + "/translate/history/")
    expect(page.locator(".history-item")).to_have_count(1)
    page.goto(base + "/translate/")
    expect(page.locator("#phrasebook-list li")).to_have_count(8)
    expect(page.locator("#target option[value=es]")).to_have_count(1)
    page.get_by_label("Text to translate").fill("We visited the museum yesterday.")
    page.get_by_role("button", name="Translate", exact=True).click()
    expect(page.locator("#translated-text")).to_contain_text("museo", timeout=20_000)

    # Offline: the save waits in the outbox, visibly.
    page.context.set_offline(True)
    page.get_by_role("button", name="Save to phrasebook").click()
    expect(page.locator("#status")).to_contain_text("You are offline")
    indicator = page.locator("[data-outbox]")
    expect(indicator).to_be_visible()
    expect(indicator).to_have_text("1 change waiting to sync")
    screenshot("outbox-waiting", page=page)
    assert not PhrasebookEntry.objects.filter(
        source_text="We visited the museum yesterday."
    ).exists()

    # The lesson, the phrasebook and the history from the service worker's caches.
    page.goto(lesson_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(lesson.title)
    screenshot("offline-lesson", page=page)
    page.goto(base + "/translate/")
    expect(page.locator("#phrasebook-list li")).to_have_count(8)
    expect(indicator).to_have_text("1 change waiting to sync")
    page.goto(base + "/translate/history/")
    expect(page.locator(".history-item")).to_have_count(1)
    # A page never visited: the offline page, saying what works.
    page.goto(base + "/tutoring/group-sessions/")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.get_by_text("What works without a connection")).to_be_visible()
    no_sideways_scroll(page)
    axe(page)
    screenshot("offline-page", page=page)

    # Back online: the queued save is replayed (once) and the indicator goes.
    page.context.set_offline(False)
    page.goto(base + "/translate/")
    expect(indicator).to_be_hidden(timeout=15_000)
    expect(page.locator("#phrasebook-list li")).to_have_count(9)
    saved = PhrasebookEntry.objects.get(source_text="We visited the museum yesterday.")
    assert saved.client_key and saved.user.email == "student@toto.localhost"
    screenshot("synced", page=page)

    review_offline_and_sync(page, base, screenshot)

    # Web Push: the profile's switch is offered, and a push reaches the service worker, which
    # shows it as a notification. (The push is handed over through DevTools: Chromium only
    # subscribes through Google's FCM, so no local push service can deliver to it; the
    # encrypted HTTP path is tested against a stand-in in test_web_push.py.)
    page.goto(base + "/accounts/profile/")
    expect(page.locator("[data-web-push-status]")).to_have_text(
        "Notifications are off for this device."
    )
    expect(page.get_by_role("button", name="Turn on notifications")).to_be_visible()
    screenshot("profile-push", page=page)
    switch_push_on_and_off(page, base)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(
            r["registrationId"]
            for r in event["registrations"]
            if r["scopeURL"] == base + "/" and not r.get("isDeleted")
        ),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(500)
    assert registrations, "the service worker's registration is visible to DevTools"
    # A push handed to a worker that DevTools is still starting can be dropped (seen once on
    # CI): hand it over again until it shows. The tag makes a repeat replace, not add.
    shown: list[dict[str, str]] = []
    for _attempt in range(4):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": base,
                "registrationId": registrations[-1],
                "data": json.dumps(
                    {
                        "title": "Lena wrote",
                        "body": "¿Quedamos?",
                        "url": "/chat/",
                        "notification_id": "e2e-push",
                    }
                ),
            },
        )
        for _ in range(25):
            shown = page.evaluate(
                """async () => (await (await navigator.serviceWorker.ready).getNotifications())
                    .map((n) => ({title: n.title, body: n.body, url: n.data.url}))"""
            )
            if shown:
                break
            page.wait_for_timeout(200)
        if shown:
            break
    assert shown == [{"title": "Lena wrote", "body": "¿Quedamos?", "url": "/chat/"}], registrations

    # Signing out: the next page forgets the lessons and pages cached for the learner.
    assert page.evaluate("caches.has('toto-lessons')")
    page.context.clear_cookies()
    page.goto(base + "/app/")
    page.wait_for_function("caches.has('toto-lessons').then((has) => !has)")
    page.context.set_offline(True)
    page.goto(lesson_url)
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    page.context.set_offline(False)


# Chromium subscribes only through Google's FCM (unreachable here): the Push API's subscribe
# answers a subscription of the real shape instead, pointing at this server. Everything else
# (the permission, the VAPID key, the page's script, the API and its rows) is the real one.
FAKE_PUSH = """(() => {
  if (typeof window === "undefined" || !("PushManager" in window)) return;
  const flag = "e2e-fake-push";
  const subscription = () => ({
    endpoint: location.origin + "/push-stand-in/e2e-device",
    expirationTime: null,
    options: { userVisibleOnly: true },
    toJSON() {
      return { endpoint: this.endpoint, expirationTime: null, keys: %s };
    },
    unsubscribe: async () => { localStorage.removeItem(flag); return true; },
  });
  PushManager.prototype.subscribe = async function () {
    localStorage.setItem(flag, "1");
    return subscription();
  };
  PushManager.prototype.getSubscription = async function () {
    return localStorage.getItem(flag) ? subscription() : null;
  };
})();"""


def fake_push_keys() -> dict[str, str]:
    """Keys of a real subscription's shape: an uncompressed P-256 point (65 bytes) and a
    16-byte auth secret, base64url without padding."""
    import base64
    import secrets

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return {"p256dh": b64(point), "auth": b64(secrets.token_bytes(16))}


def switch_push_on_and_off(page: Any, base: str) -> None:
    """The profile's switch: on registers this device's subscription (a row for the learner),
    off removes it."""
    from django.test import override_settings

    keys = fake_push_keys()
    page.context.add_init_script(FAKE_PUSH % json.dumps(keys))
    # The stand-in endpoint is on this server: a push service host for this walk only.
    with override_settings(WEB_PUSH_ENDPOINT_HOSTS=["localhost"]):
        _switch(page, base, keys)


def _switch(page: Any, base: str, keys: dict[str, str]) -> None:
    from notifications.models import WebPushSubscription

    page.reload()
    rows = WebPushSubscription.objects.filter(endpoint=base + "/push-stand-in/e2e-device")
    assert not rows.exists()
    status = page.locator("[data-web-push-status]")
    expect(status).to_have_text("Notifications are off for this device.")
    page.get_by_role("button", name="Turn on notifications").click()
    turn_off = page.get_by_role("button", name="Turn off on this device")
    expect(turn_off).to_be_visible()
    expect(status).to_have_text("Notifications are on for this device.")
    row = rows.get()
    assert (row.user.email, row.p256dh, row.auth) == (
        "student@toto.localhost",
        keys["p256dh"],
        keys["auth"],
    )
    turn_off.click()
    expect(page.get_by_role("button", name="Turn on notifications")).to_be_visible()
    expect(status).to_have_text("Notifications are off for this device.")
    assert not rows.exists()


OUTBOX_BODIES = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("toto-outbox");
  open.onerror = reject;
  open.onsuccess = () => {
    const read = open.result.transaction("requests").objectStore("requests").getAll();
    read.onsuccess = () => resolve(read.result.map((item) => [item.body, item.headers]));
  };
})"""


def answer_card(page: Any) -> int:
    """Answers the card on the stage with the keyboard, whatever its challenge; its id."""
    stage = page.locator("#review-stage[data-card]")
    card = int(stage.get_attribute("data-card"))
    kind = stage.get_attribute("data-kind")
    if kind == "flip":
        page.keyboard.press("Space")
        page.keyboard.press("3")
    elif kind == "choice":
        page.keyboard.press("1")
        expect(page.locator("#review-stage[data-verdict]")).to_have_count(1)
        page.keyboard.press("Space")
    elif kind == "chips":  # word chips: one word placed, checked offline by the page itself
        page.keyboard.press("Space")  # the focused first chip
        page.locator("#review-stage [data-action=check]").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#review-stage[data-verdict]")).to_have_count(1)
        page.keyboard.press("Space")
    else:  # type or listen: checked offline by the page itself
        page.locator("#review-answer").fill("no idea")
        page.keyboard.press("Enter")
        expect(page.locator("#review-stage[data-verdict]")).to_have_count(1)
        page.keyboard.press("Space")
    expect(page.locator(f"#review-stage:not([data-card='{card}'])")).to_have_count(1)
    return card


def review_offline_and_sync(page: Any, base: str, screenshot: Any) -> None:
    """Open the review session online, answer three cards offline from the cached page and
    cards, reconnect: the server's review log has each answer once, at the client's time."""
    from vocabulary.models import ReviewLog

    page.goto(base + "/vocabulary/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    online_words = page.locator("ul.vocab-list li.vocab-word").count()
    page.goto(base + "/vocabulary/review/")
    expect(page.locator("#review-stage[data-card]")).to_have_count(1)
    logged = ReviewLog.objects.filter(owner__email="student@toto.localhost").count()

    page.context.set_offline(True)
    # The word bank offline: the list as last seen online, from the service worker's cache.
    page.goto(base + "/vocabulary/")
    words = page.locator("ul.vocab-list li.vocab-word")
    expect(words.first).to_be_visible()
    assert words.count() == online_words > 0
    screenshot("word-bank-offline", page=page)
    page.goto(base + "/vocabulary/review/")
    expect(page.get_by_role("heading", name="Review words")).to_be_visible()
    answered = [answer_card(page) for _ in range(3)]
    indicator = page.locator("[data-outbox]")
    expect(indicator).to_have_text("3 changes waiting to sync")
    screenshot("review-offline", page=page)
    # Reloaded offline, the cached cards come back without the three answered here.
    page.reload()
    expect(page.locator("#review-stage[data-card]")).to_have_count(1)
    assert int(page.locator("#review-stage").get_attribute("data-card")) not in answered
    queued = page.evaluate(OUTBOX_BODIES)
    reviews = [json.loads(body) for body, _ in queued]
    assert [review["card"] for review in reviews] == answered
    assert all(
        h["Idempotency-Key"] == r["idempotency_key"]
        for r, (_, h) in zip(reviews, queued, strict=True)
    )
    assert ReviewLog.objects.filter(owner__email="student@toto.localhost").count() == logged

    page.context.set_offline(False)
    expect(indicator).to_be_hidden(timeout=15_000)
    screenshot("review-synced", page=page)
    logs = ReviewLog.objects.filter(idempotency_key__in=[r["idempotency_key"] for r in reviews])
    assert sorted((log.card_id, log.reviewed_at) for log in logs) == sorted(
        (r["card"], dt.datetime.fromisoformat(r["reviewed_at"])) for r in reviews
    )
    assert ReviewLog.objects.filter(owner__email="student@toto.localhost").count() == logged + 3
    # The same answer replayed (a sync whose reply was lost) is not counted again.
    body, headers = queued[0]
    status = page.evaluate(
        """([body, headers]) => fetch("/api/v1/reviews/", {method: "POST", body, headers})
            .then((response) => response.status)""",
        [body, headers],
    )
    assert status == 200
    assert ReviewLog.objects.filter(owner__email="student@toto.localhost").count() == logged + 3


def test_a_lesson_opened_online_plays_its_audio_offline(
    phone: Any, live_server: Any, screenshot: Any, no_sideways_scroll: Any
) -> None:
    """<audio preload="none"> fetches nothing while online: the lesson page saves its audio
    whole through the service worker, which answers the element's range requests offline."""
    from cms.learning.models import LessonPage

    page = phone
    base = live_server.url
    lesson = next(
        lesson
        for lesson in LessonPage.objects.live().order_by("path")
        if any(block.block_type == "audio" for block in lesson.body)
    )
    page.goto(base + "/learn/")
    wait_for_control(page)
    page.goto(base + lesson.url)
    article = page.locator("[data-offline-media]")
    expect(article).to_have_attribute("data-offline-media", "saved", timeout=30_000)
    player = page.locator(".lesson-block-audio audio").first
    src = player.get_attribute("src")
    assert src
    audio_url = base + src if src.startswith("/") else src
    assert page.evaluate(
        "async (url) => Boolean(await (await caches.open('toto-lesson-media')).match(url))",
        audio_url,
    )
    # Nothing played it online: the element has not fetched a byte.
    assert player.evaluate("(audio) => audio.readyState") == 0

    page.context.set_offline(True)
    page.goto(base + lesson.url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(lesson.title)
    played = page.locator(".lesson-block-audio audio").first.evaluate(
        """(audio) => new Promise((resolve) => {
          const done = (outcome) => resolve({ outcome, error: audio.error && audio.error.code,
            time: audio.currentTime, duration: audio.duration });
          audio.addEventListener("error", () => done("error"), { once: true });
          audio.addEventListener("timeupdate", () => { if (audio.currentTime > 0) done("played"); });
          audio.addEventListener("ended", () => done("ended"), { once: true });
          setTimeout(() => done("timeout"), 30000);
          audio.muted = true;  // autoplay without a tap is allowed muted
          audio.play().catch((error) => resolve({ outcome: "refused: " + error.name }));
        })"""
    )
    assert played["outcome"] in {"played", "ended"}, played
    assert played["error"] is None and played["duration"] > 0.5, played
    no_sideways_scroll(page)
    screenshot("offline-lesson-audio", page=page)
    page.context.set_offline(False)


IPHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
    ),
}
# What Chromium fires when the app can be installed; the page keeps it and offers its button.
OFFER_INSTALL = """() => {
  if (!window.installOffered) {
    const offer = new Event("beforeinstallprompt", { cancelable: true });
    offer.prompt = async () => { window.installPrompted = true; };
    offer.userChoice = Promise.resolve({ outcome: "accepted", platform: "web" });
    window.dispatchEvent(offer);
    window.installOffered = offer.defaultPrevented;  // the page's script took it
  }
  return window.installOffered;
}"""


def test_the_install_button_follows_the_browsers_offer_and_iphones_get_the_steps(
    browser: Any, live_server: Any, screenshot: Any, no_sideways_scroll: Any
) -> None:
    android = browser.new_context(**PHONE)
    page = android.new_page()
    page.goto(live_server.url + "/app/")
    install = page.get_by_role("button", name="Install Toto")
    expect(page.get_by_role("heading", name="Toto on your phone")).to_be_visible()
    expect(install).to_be_hidden()  # no offer yet: no button that does nothing
    expect(page.locator("[data-install-ios]")).to_be_hidden()
    page.wait_for_function(OFFER_INSTALL, polling=200, timeout=15_000)
    expect(install).to_be_visible()
    screenshot("install-offered", page=page)
    install.click()
    page.wait_for_function("window.installPrompted === true")
    expect(install).to_be_hidden()
    android.close()

    iphone = browser.new_context(**IPHONE)
    page = iphone.new_page()
    page.goto(live_server.url + "/app/")
    steps = page.locator("[data-install-ios]")
    expect(steps).to_be_visible()
    expect(steps.get_by_role("heading", name="On iPhone and iPad (Safari)")).to_be_visible()
    expect(steps.locator("li")).to_have_count(3)
    expect(page.get_by_role("button", name="Install Toto")).to_be_hidden()
    no_sideways_scroll(page)
    screenshot("install-iphone", page=page)
    iphone.close()


LESSON_CACHE = """async () => {
  const cache = await caches.open("toto-lessons");
  return (await cache.keys()).map((request) => new URL(request.url).pathname);
}"""
# What the service worker recorded of the lessons' caches (frontend/pwa/lesson-cache.js).
LESSON_RECORDS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("toto-lesson-cache");
  open.onerror = reject;
  open.onsuccess = () => {
    const read = open.result.transaction("entries").objectStore("entries").getAll();
    read.onsuccess = () => { open.result.close(); resolve(read.result); };
  };
})"""
NEW_WORKER = """async () => {
  const changed = new Promise((resolve) =>
    navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
  await (await navigator.serviceWorker.ready).update();
  await changed;
  await Promise.all(["toto-lessons", "toto-lesson-media"].map((name) => caches.delete(name)));
}"""


def open_lesson(page: Any, url: str) -> None:
    """Opens a lesson online and waits until its page and media are in the worker's caches."""
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if page.locator("[data-offline-media]").count():
        expect(page.locator("[data-offline-media]")).to_have_attribute(
            "data-offline-media", "saved", timeout=30_000
        )
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "(url) => caches.open('toto-lessons').then((c) => c.match(url)).then(Boolean)",
        arg=url,
    )


def test_lessons_past_the_byte_cap_evict_the_least_recently_used(
    phone: Any, live_server: Any, settings: Any
) -> None:
    """Lessons opened in turn under a byte cap that holds the last two of them (pages and
    media): the two opened first are evicted, page and files (the offline page instead), the
    two most recent read offline. Reading one offline counts as using it: it
    outlives a newer one when the next lesson comes in."""
    from cms.learning.models import LessonPage

    page = phone
    base = live_server.url
    candidates = [base + lesson.url for lesson in LessonPage.objects.live().order_by("path")[:7]]
    assert len(candidates) == 7
    page.goto(base + "/")
    wait_for_control(page)
    # First, with the default cap (50 MB), what each lesson weighs as the worker counts it.
    for url in candidates:
        open_lesson(page, url)
    records = page.evaluate(LESSON_RECORDS)
    assert {url for record in records for url in record["lessons"]} == set(candidates)

    def weight(lessons: tuple[str, ...]) -> int:  # a shared file counted once
        return sum(r["bytes"] for r in records if set(r["lessons"]) & set(lessons))

    def page_bytes(url: str) -> int:
        return next(r["bytes"] for r in records if r["url"] == url)

    # The heaviest lesson fourth, the cap what the third and fourth weigh together (plus less
    # than any page, for pages that differ by a few bytes between visits): the first two must
    # go, and when the fifth (lighter) comes after the third was read offline, the fourth goes.
    heaviest = max(candidates, key=lambda url: weight((url,)))
    rest = [url for url in candidates if url != heaviest]
    urls = [rest[0], rest[1], rest[2], heaviest, rest[3]]
    assert weight((urls[2], urls[4])) <= weight((urls[2], urls[3]))
    margin = min(page_bytes(url) for url in urls) // 2
    settings.PWA_LESSON_CACHE_BYTES = weight((urls[2], urls[3])) + margin
    page.evaluate(NEW_WORKER)  # the cap is in the worker's script: a new worker takes over

    for url in urls[:4]:
        open_lesson(page, url)
    page.wait_for_function(
        "() => caches.open('toto-lessons').then((c) => c.keys()).then((k) => k.length === 2)"
    )
    assert sorted(page.evaluate(LESSON_CACHE)) == sorted(u.removeprefix(base) for u in urls[2:4])
    kept = page.evaluate(LESSON_RECORDS)
    assert sum(r["bytes"] for r in kept) <= settings.PWA_LESSON_CACHE_BYTES
    assert {u for r in kept for u in r["lessons"]} == set(urls[2:4])
    media = page.evaluate(
        "() => caches.open('toto-lesson-media').then((c) => c.keys()).then((k) => k.map((r) => r.url))"
    )
    assert sorted(media) == sorted(r["url"] for r in kept if r["url"] not in urls)

    page.context.set_offline(True)
    for url in urls[:2]:
        page.goto(url)
        expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    # Lesson 3 read offline last, so lesson 4 is now the least recently used one.
    for url in (urls[3], urls[2]):
        page.goto(url)
        expect(page.locator("main h1").first).not_to_have_text("You are offline")
    page.context.set_offline(False)
    open_lesson(page, urls[4])
    page.wait_for_function(
        "() => caches.open('toto-lessons').then((c) => c.keys()).then((k) => k.length === 2)"
    )
    assert sorted(page.evaluate(LESSON_CACHE)) == sorted(
        u.removeprefix(base) for u in (urls[2], urls[4])
    )


def test_reviews_queued_offline_sync_in_the_background_with_no_page_open(
    phone: Any, live_server: Any
) -> None:
    """Reviews answered offline, then every page of the site closed: the service worker's
    Background Sync event (fired through DevTools, as Chromium fires it when the network
    returns) replays them alone, once each; a second sync and a page load add nothing."""
    from vocabulary.models import ReviewLog

    page = phone
    base = live_server.url
    mine = ReviewLog.objects.filter(owner__email="student@toto.localhost")
    page.goto(base + "/vocabulary/review/")
    wait_for_control(page)
    page.reload()
    expect(page.locator("#review-stage[data-card]")).to_have_count(1)
    logged = mine.count()

    page.context.set_offline(True)
    page.reload()
    answered = [answer_card(page) for _ in range(2)]
    expect(page.locator("[data-outbox]")).to_have_text("2 changes waiting to sync")
    queued = [json.loads(body) for body, _ in page.evaluate(OUTBOX_BODIES)]
    assert [review["card"] for review in queued] == answered

    # Every page of the site closed; a blank tab (no origin, not a client of the worker)
    # keeps the browser and a DevTools session open.
    blank = page.context.new_page()
    page.close()
    page.context.set_offline(False)
    cdp = page.context.new_cdp_session(blank)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(
            r["registrationId"] for r in event["registrations"] if r["scopeURL"] == base + "/"
        ),
    )
    cdp.send("ServiceWorker.enable")
    blank.wait_for_timeout(500)
    assert registrations
    # The worker stopped (as the browser stops an idle one): the sync starts it afresh.
    cdp.send("ServiceWorker.stopAllWorkers")
    assert mine.count() == logged
    for attempt in range(2):
        cdp.send(
            "ServiceWorker.dispatchSyncEvent",
            {
                "origin": base,
                "registrationId": registrations[0],
                "tag": "toto-outbox",
                "lastChance": False,
            },
        )
        for _ in range(100):
            if mine.count() == logged + 2:
                break
            blank.wait_for_timeout(100)
        assert mine.count() == logged + 2, attempt
    logs = mine.filter(idempotency_key__in=[r["idempotency_key"] for r in queued])
    assert sorted((log.card_id, log.reviewed_at) for log in logs) == sorted(
        (r["card"], dt.datetime.fromisoformat(r["reviewed_at"])) for r in queued
    )
    # Nothing left in the outbox: the next page shows no waiting changes and sends nothing.
    again = page.context.new_page()
    again.goto(base + "/vocabulary/")
    expect(again.locator("[data-outbox]")).to_be_hidden()
    assert again.evaluate(OUTBOX_BODIES) == []
    assert mine.count() == logged + 2
