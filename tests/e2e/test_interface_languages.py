"""The interface in Spanish and in Arabic (right to left), on a phone: the learner home, the
lesson catalogue, a lesson (its step-by-step player is built by JavaScript, so its strings
come from the JavaScript catalogue) and the word review session; Arabic on a desktop too;
then the lesson packages and the progress report at 390x844 and on a desktop, and English
lesson and home content reading left to right inside the Arabic interface (dir="auto").
The language comes from the demo learner's profile; each page is checked for its language
and direction, key translated strings, English left-overs, sideways scroll and axe."""

import pytest
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Per language: the direction, then per page the strings it must show (interface strings of
# the template, of Python and of the JavaScript catalogue) and English it must not.
EXPECTED = {
    "es": {
        "dir": "ltr",
        "/": ["Lecciones", "Cerrar sesión"],
        "/learn/": ["Mi progreso", "Buscar"],
        "lesson": ["Comprobar", "Paso 1 de", "Continuar", "Terminar la lección"],
        "/vocabulary/review/": ["Repasar palabras", "Teclado:"],
        "/tutoring/packages/": ["Mis paquetes", "Clases que compraste de una vez"],
        "/progress/": ["Tu progreso", "Qué hacer a continuación", "Esta semana"],
    },
    "ar": {
        "dir": "rtl",
        "/": ["الدروس", "تسجيل الخروج"],
        "/learn/": ["تقدّمي", "بحث"],
        "lesson": ["تحقّق", "الخطوة 1 من", "متابعة", "إنهاء الدرس"],
        "/vocabulary/review/": ["مراجعة الكلمات", "لوحة المفاتيح:"],
        "/tutoring/packages/": ["باقاتي", "دروس اشتريتها دفعة واحدة"],
        "/progress/": ["تقدّمك", "ما الخطوة التالية", "هذا الأسبوع"],
    },
}
ENGLISH = [
    "Skip to content",
    "Sign out",
    "My progress",
    "Step 1 of",
    "Finish lesson",
    "Show answer",
    "My packages",
    "Your progress",
    "What to do next",
]


def _page_for(browser, base_url: str, language: str, viewport: dict):  # type: ignore[no-untyped-def]
    from accounts.models import Profile, User

    student = User.objects.get(email="student@toto.localhost")
    Profile.objects.filter(user=student).update(interface_language=language)
    client = Client()
    client.force_login(student)
    context = browser.new_context(viewport=viewport, locale="en-GB")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    return context.new_page()


def _check(page, language: str, key: str, axe, no_sideways_scroll) -> None:  # type: ignore[no-untyped-def]
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", EXPECTED[language]["dir"])
    body = page.locator("body")
    for text in EXPECTED[language][key]:
        expect(body).to_contain_text(text)
    visible = body.inner_text()
    for english in ENGLISH:
        assert english not in visible, f"{english!r} left in English on {page.url}"
    no_sideways_scroll(page)
    axe(page)


@pytest.mark.parametrize("language", ["es", "ar"])
def test_learner_pages_in_spanish_and_arabic_on_a_phone(
    browser, live_server, demo_site, axe, no_sideways_scroll, screenshot, language
) -> None:
    page = _page_for(browser, live_server.url, language, PHONE)
    page.goto(live_server.url + "/")
    _check(page, language, "/", axe, no_sideways_scroll)
    screenshot(f"{language}-home-phone", page=page)

    # Spanish has its own lesson tree (/es/learn/); Arabic shows the English lessons.
    prefix = "/es" if language == "es" else ""
    page.goto(live_server.url + prefix + "/learn/")
    _check(page, language, "/learn/", axe, no_sideways_scroll)
    screenshot(f"{language}-learn-phone", page=page)

    page.locator(
        f"a[href^='{prefix}/learn/'][href*='hello-and-goodbye'], a[href^='{prefix}/learn/'][href*='hola']"
    ).first.click()
    expect(page.locator(".lesson-progress-text")).to_be_visible()
    _check(page, language, "lesson", axe, no_sideways_scroll)
    # The lesson's own (English or Spanish) text reads left to right in either interface.
    for cms_text in (".lesson h1", ".lesson .lead"):
        assert _direction(page, cms_text) == "ltr"
    screenshot(f"{language}-lesson-phone", page=page)

    page.goto(live_server.url + "/vocabulary/review/")
    _check(page, language, "/vocabulary/review/", axe, no_sideways_scroll)
    screenshot(f"{language}-review-phone", page=page)

    if language == "ar":
        # The narrowest phone the design supports, and the desktop layout, mirrored.
        page.set_viewport_size({"width": 360, "height": 780})
        for path in ("/", "/learn/", "/vocabulary/review/"):
            page.goto(live_server.url + path)
            no_sideways_scroll(page)
        page.set_viewport_size(DESKTOP)
        page.goto(live_server.url + "/")
        _check(page, language, "/", axe, no_sideways_scroll)
        # The brand sits at the right edge and the account menu at the left, mirrored.
        brand = page.locator(".site-nav .brand").bounding_box()
        account = page.locator(".nav-account").bounding_box()
        assert brand and account and brand["x"] > account["x"]
        # The English home page content reads left to right inside the Arabic layout.
        assert _direction(page, ".home-intro h1") == "ltr"
        assert _direction(page, ".page-body .hero p") == "ltr"
        screenshot("ar-home-desktop", page=page)

    # Pages added after the catalogues were first made, on a phone and on a desktop.
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        for path in ("/tutoring/packages/", "/progress/"):
            page.goto(live_server.url + path)
            _check(page, language, path, axe, no_sideways_scroll)
            screenshot(f"{language}-{path.strip('/').replace('/', '-')}-{label}", page=page)
    page.context.close()


def _direction(page, selector: str) -> str:  # type: ignore[no-untyped-def]
    return page.locator(selector).first.evaluate("element => getComputedStyle(element).direction")
