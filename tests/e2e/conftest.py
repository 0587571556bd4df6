"""Browser tests: Playwright driving Debian's Chromium against a live server.

Run in their own pytest invocation (`make test` does): pytest-playwright and pytest-asyncio
cannot share one process. Screenshots are written to var/test-artifacts/screenshots/.
"""

import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

# A teacher with hours and a gig, for the browser tests that book or ask for times.
from tutoring.testing import make_gig, make_listing  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "var" / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("TOTO_CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, which the issue asks for, plus axe's best practices (landmarks, one h1…).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="session", autouse=True)
def _frontend_built() -> None:
    """The pages load static/dist (Tailwind's build, Alpine, the icon sprite): build it when
    a template or stylesheet changed since the last build, as `make test` would (a no-op
    otherwise), so running pytest alone tests the current design."""
    subprocess.run(["make", "-s", "frontend"], cwd=ROOT, check=True)


def _format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} serious or critical accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"  at {' '.join(node['target'])}")
            lines.append(f"     {node['html'][:160]}")
            if node.get("failureSummary"):
                summary = node["failureSummary"].replace("\n", " / ")
                lines.append(f"     {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"  … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def check_accessibility(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:  # type: ignore[no-untyped-def]
    """Runs axe-core (from node_modules) on the page as it is now and fails the test on any
    violation of the given impacts, listing each rule, its help page and the elements."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy
        # does not govern (add_script_tag would insert an inline script the policy refuses).
        page.evaluate(AXE_JS.read_text() + "\n;undefined")
    # Entrance animations (a message fading in) are judged at their end state: axe measures
    # contrast on what is painted now, and a half-faded text is not what the reader gets.
    # (Endless ones, like a skeleton's pulse, can't be finished and are left running.)
    page.evaluate(
        "() => document.getAnimations().forEach((a) => {"
        " if (a.effect && a.effect.getComputedTiming().endTime !== Infinity) a.finish(); })"
    )
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    violations = [v for v in results["violations"] if v["impact"] in impacts]
    assert not violations, _format_violations(page.url, violations)
    return results["violations"]


def check_no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    """Fails when the page is wider than the viewport (a person would have to scroll
    sideways), naming the widest elements that stick out."""
    overflow = page.evaluate(
        r"""() => {
          const width = window.innerWidth;
          const scrollWidth = document.documentElement.scrollWidth;
          const culprits = [...document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > width + 1)
            .filter((el) => !el.closest(".nav-links, .tabs, .table-scroll"))
            .slice(0, 5)
            .map((el) => el.tagName.toLowerCase() + (el.className && typeof el.className === "string"
              ? "." + el.className.trim().split(/\s+/).join(".") : "")
              + " right=" + Math.round(el.getBoundingClientRect().right));
          return {width, scrollWidth, culprits};
        }"""
    )
    assert overflow["scrollWidth"] <= overflow["width"], (
        f"{page.url} scrolls sideways at {overflow['width']} px "
        f"(content is {overflow['scrollWidth']} px wide): {json.dumps(overflow['culprits'])}"
    )


# Reported by the page itself for every violation of its Content-Security-Policy, in every
# frame of every page of a browser context (enforced or report-only alike).
CSP_LISTENER_JS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + JSON.stringify({
    directive: event.violatedDirective, blocked: event.blockedURI, document: event.documentURI,
    source: event.sourceFile, line: event.lineNumber, sample: event.sample,
  }));
});
"""


def _is_csp_message(text: str) -> bool:
    return text.startswith("CSP violation: ") or (
        "Content Security Policy" in text and text.startswith("Refused to")
    )


@pytest.fixture(autouse=True)
def csp_violations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fails every browser test whose pages break their Content-Security-Policy: each
    browser context (the ``page`` fixture's, and those tests open themselves) listens to its
    pages' ``securitypolicyviolation`` events and to Chromium's "Refused to …" console
    messages. A test that expects a violation can read and clear the yielded list."""
    from playwright.sync_api import Browser

    violations: list[str] = []
    original_new_context = Browser.new_context

    def new_context(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        context = original_new_context(self, *args, **kwargs)
        context.add_init_script(CSP_LISTENER_JS)

        def on_console(message) -> None:  # type: ignore[no-untyped-def]
            if _is_csp_message(message.text):
                violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

        context.on("console", on_console)
        return context

    monkeypatch.setattr(Browser, "new_context", new_context)
    yield violations
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(
        dict.fromkeys(violations)
    )


@pytest.fixture
def axe():  # type: ignore[no-untyped-def]
    """``axe(page)``: zero serious or critical WCAG 2.1 AA violations on the page as it is."""
    return check_accessibility


@pytest.fixture
def no_sideways_scroll():  # type: ignore[no-untyped-def]
    """``no_sideways_scroll(page)``: the page fits its viewport's width."""
    return check_no_sideways_scroll


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def screenshot(request):  # type: ignore[no-untyped-def]
    """Saves a full-page screenshot named after the test: ``screenshot("after-login")``; of
    another page than the ``page`` fixture's with ``screenshot("label", page=other)``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(label: str, page=None) -> Path:  # type: ignore[no-untyped-def]
        page = page or request.getfixturevalue("page")
        path = ARTIFACTS / f"{request.node.name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def browser_with_microphone(browser_type, browser_type_launch_args):  # type: ignore[no-untyped-def]
    """``browser_with_microphone(wav)``: a separate Chromium whose microphone plays ``wav``
    (once, then silence) and grants microphone access without asking. Only the test that
    asks for it gets these flags; the session's shared browser is untouched."""
    browsers = []

    def launch(wav: Path):  # type: ignore[no-untyped-def]
        args = [
            *browser_type_launch_args["args"],
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}%noloop",
        ]
        browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
        browsers.append(browser)
        return browser

    yield launch
    for browser in browsers:
        browser.close()


@pytest.fixture
def media_browser(playwright, browser_type_launch_args: dict) -> Iterator:  # type: ignore[no-untyped-def]
    """A separate Chromium with a fake camera and microphone that grants them without asking,
    for classroom tests (the room's WebRTC call); the session's shared browser is untouched."""
    args = {**browser_type_launch_args}
    args["args"] = [
        *args.get("args", []),
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        "--autoplay-policy=no-user-gesture-required",
    ]
    browser = playwright.chromium.launch(**args)
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _settled_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let the server finish before the test database is flushed.

    A browser test ends when its last expectation holds, but the page may still have a
    request in flight (a debounced grammar check, a progress save). If the live server is
    inside a transaction when pytest-django's flush truncates every table, PostgreSQL
    detects a deadlock and the teardown errors. This fixture is set up after
    ``transactional_db`` and before the test's pages and browser contexts, so it is torn
    down after they are closed (no new requests) and before the flush: it waits until no
    other connection to the test database has been busy for a moment.
    """
    uses_database = {"transactional_db", "live_server", "asgi_live_server"} & set(
        request.fixturenames
    )
    if not uses_database:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    from django.db import connection

    busy_sql = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')"
    )
    deadline = time.monotonic() + 15
    quiet_since = None
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(busy_sql)
            busy = cursor.fetchone()[0]
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 0.3:
            return
        time.sleep(0.05)


@pytest.fixture
def demo_site(transactional_db):  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    call_command("load_demo_data", verbosity=0)


@pytest.fixture
def asgi_live_server(transactional_db: None) -> Iterator[str]:
    """daphne serving the real ASGI application (Django's live_server only speaks WSGI, so
    no WebSockets) in a forked process on the test database."""
    from channels.testing.live import make_application, set_database_connection
    from daphne.testing import DaphneProcess
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.db import connections

    connections.close_all()
    process = DaphneProcess(
        "127.0.0.1",
        partial(make_application, static_wrapper=ASGIStaticFilesHandler),
        setup=set_database_connection,
    )
    process.start()
    if not process.ready.wait(timeout=30):
        raise RuntimeError("daphne did not start")
    yield f"http://127.0.0.1:{process.port.value}"
    process.terminate()
    process.join(timeout=10)


@pytest.fixture
def signed_in_page():  # type: ignore[no-untyped-def]
    """``signed_in_page(browser, base_url, user)``: a page in a fresh browser context (its
    own cookies) signed in as ``user``."""
    from django.test import Client

    def open_page(browser, base_url: str, user):  # type: ignore[no-untyped-def]
        client = Client()
        client.force_login(user)
        context = browser.new_context()
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
        )
        return context.new_page()

    return open_page


@pytest.fixture
def staff_sign_in():  # type: ignore[no-untyped-def]
    """``staff_sign_in(page, url, user)``: opens an admin ``url``, signs in through the form as
    a staff ``user`` (test password) with their TOTP code, and waits to be back at ``url``."""
    from playwright.sync_api import expect

    from accounts.testing import totp_code

    def sign_in(page, url: str, user, password: str = "correct-horse-battery") -> None:  # type: ignore[no-untyped-def]
        # Each step waits until its page has nothing in flight. Signing in replaces the
        # session key and deletes the old session; a request the previous page still had
        # queued (slow machine) then arrives with the old cookie, finds no session, and
        # Django's SessionMiddleware answers it by deleting the session cookie: the next
        # click lands on the sign-in page (seen twice in one loaded fresh-clone run).
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign In").click()
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
        page.wait_for_load_state("networkidle")
        page.get_by_label("Code").fill(totp_code(user.totp_secret))
        page.get_by_role("button", name="Sign In").click()
        expect(page).to_have_url(url)
        page.wait_for_load_state("networkidle")

    return sign_in


# What the page uses of Stripe.js: Stripe(key), elements({clientSecret}).create("payment")
# .mount(selector), and confirmPayment({elements, confirmParams: {return_url}}), which
# confirms the intent with the publishable key and redirects with Stripe's query string.
STRIPE_JS = """
window.Stripe = (publishableKey) => {
  let secret = null;
  return {
    elements: ({ clientSecret }) => {
      secret = clientSecret;
      return { create: () => ({ mount: (selector) => {
        document.querySelector(selector).innerHTML =
          '<label>Card number <input name="cardnumber" autocomplete="cc-number"></label>';
      } }) };
    },
    confirmPayment: async ({ confirmParams }) => {
      const intent = secret.split("_secret_")[0];
      const response = await fetch(`https://api.stripe.com/v1/payment_intents/${intent}/confirm`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded",
                   "Authorization": `Bearer ${publishableKey}` },
        body: `client_secret=${encodeURIComponent(secret)}`,
      });
      if (!response.ok) return { error: { message: "Your card was declined." } };
      const url = new URL(confirmParams.return_url);
      url.searchParams.set("payment_intent", intent);
      url.searchParams.set("payment_intent_client_secret", secret);
      url.searchParams.set("redirect_status", "succeeded");
      window.location.href = url.toString();
      return {};
    },
  };
};
"""


@pytest.fixture
def stripe(providers):  # type: ignore[no-untyped-def]
    """payments.testing's fake Stripe API, with the server configured to talk to it, and
    ``stripe.route(page)`` answering the page's Stripe.js and its confirm call (Stripe
    mocked at the HTTP boundary only)."""
    import json

    fake = providers

    def stripe_js(route):  # type: ignore[no-untyped-def]
        route.fulfill(status=200, content_type="application/javascript", body=STRIPE_JS)

    def confirm(route):  # type: ignore[no-untyped-def]
        intent_id = route.request.url.rstrip("/").split("/")[-2]
        if intent_id not in fake.intents:
            route.fulfill(status=404, content_type="application/json", body="{}")
            return
        route.fulfill(
            status=200,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": "*"},
            body=json.dumps(fake.pay_intent(intent_id)),
        )

    def route(page):  # type: ignore[no-untyped-def]
        page.route("https://js.stripe.com/**", stripe_js)
        page.route("https://api.stripe.com/v1/payment_intents/*/confirm", confirm)

    def send_payment_succeeded(server_url: str) -> None:
        """Stripe's signed ``payment_intent.succeeded`` for the intent the page paid, posted
        to the server's webhook as Stripe would."""
        import httpx

        from payments.testing import stripe_event

        intent = next(i for i in fake.intents.values() if i["status"] == "succeeded")
        payload, headers = stripe_event("payment_intent.succeeded", intent)
        answer = httpx.post(
            f"{server_url}/api/v1/payments/webhooks/stripe/",
            content=payload,
            headers={
                "Content-Type": "application/json",
                "Stripe-Signature": headers["HTTP_STRIPE_SIGNATURE"],
            },
        )
        assert answer.status_code == 200, answer.text

    fake.route = route
    fake.send_payment_succeeded = send_payment_succeeded
    return fake
