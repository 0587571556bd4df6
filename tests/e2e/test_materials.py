"""A learner browses the material packs, buys the demo pack with Stripe and finds it with
the handout their teacher shared in "My materials"; the teacher sees their library. Another
learner gets the free demo pack and seeks in its recording (a range request).

Stripe is mocked at the HTTP boundary only, as in test_tutoring: the browser's requests to
js.stripe.com and api.stripe.com are answered by a stand-in for Stripe.js and by
payments.testing's fake Stripe API, and Stripe's signed webhook is posted to the live server.
"""

import re
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"


def _signed_in(browser, live_server, email: str, width: int = 1200):  # type: ignore[no-untyped-def]
    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def _shot(target, label: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target.screenshot(path=str(ARTIFACTS / f"test_materials-{label}.png"), full_page=True)


def test_a_learner_buys_a_pack_and_finds_it_in_my_materials(
    browser, live_server, demo_site, stripe
) -> None:
    from materials.models import PackPurchase

    learner = _signed_in(browser, live_server, "student@toto.localhost")
    page = learner.new_page()

    stripe.route(page)

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Materials", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Material packs")
    page.get_by_role("combobox", name="Level").select_option("A2")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Spanish A2 starter pack")).to_be_visible()
    _shot(page, "marketplace")

    page.get_by_role("link", name="Spanish A2 starter pack").click()
    expect(page.get_by_role("link", name=re.compile("Free sample"))).to_be_visible()
    _shot(page, "pack")
    page.get_by_role("button", name=re.compile(r"^Buy for 9.90 EUR")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Buy a material pack")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    _shot(page, "pay")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r"/materials/packs/[0-9a-f-]+/\?payment_intent="))

    stripe.send_payment_succeeded(live_server.url)
    assert PackPurchase.objects.filter(learner__email="student@toto.localhost").count() == 1
    page.reload()
    expect(page.get_by_test_id("owned")).to_be_visible()
    page.get_by_label("Stars").select_option("5")
    page.get_by_label("Your opinion").fill("Clear tables, great recording.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thank you for your rating.")).to_be_visible()
    _shot(page, "pack-owned")

    # A paid item opens through the permission-checked view.
    with page.expect_response(re.compile(r"/api/v1/materials/[0-9a-f-]+/download/")) as opened:
        page.get_by_role("link", name=re.compile("Open Present tense")).click()
    assert opened.value.status == 200

    page.goto(live_server.url + "/materials/")
    expect(page.get_by_test_id("shared-materials")).to_contain_text("Ser or estar?")
    expect(page.get_by_test_id("purchased-packs")).to_contain_text("Spanish A2 starter pack")
    _shot(page, "my-materials")
    learner.close()

    teacher = _signed_in(browser, live_server, "teacher@toto.localhost")
    teacher_page = teacher.new_page()
    teacher_page.goto(live_server.url + "/materials/library/")
    expect(teacher_page.get_by_test_id("library")).to_contain_text("Ser or estar?")
    expect(teacher_page.get_by_test_id("library")).to_contain_text("Sam Student")
    _shot(teacher_page, "library")
    teacher.close()

    phone = _signed_in(browser, live_server, "student@toto.localhost", width=390)
    phone_page = phone.new_page()
    phone_page.goto(live_server.url + "/materials/packs/")
    _shot(phone_page, "marketplace-phone")
    phone.close()


def test_a_learner_gets_a_free_pack_and_seeks_in_its_recording(
    browser, live_server, demo_site
) -> None:
    from materials.models import PackPurchase

    learner = _signed_in(browser, live_server, "student@toto.localhost")
    page = learner.new_page()
    page.goto(live_server.url + "/materials/packs/")
    page.get_by_role("combobox", name="Price").select_option("true")
    page.get_by_role("button", name="Search").click()
    packs = page.get_by_test_id("packs")
    expect(packs).to_contain_text("Ser or estar? Free taster")
    expect(packs).to_contain_text("Free")
    expect(packs).not_to_contain_text("Spanish A2 starter pack")
    _shot(page, "marketplace-free")

    page.get_by_role("link", name="Ser or estar? Free taster").click()
    page.get_by_role("button", name="Get it free").click()
    expect(page.get_by_test_id("owned")).to_be_visible()
    _shot(page, "free-pack-owned")
    purchase = PackPurchase.objects.get(learner__email="student@toto.localhost", amount=0)
    assert purchase.payment_id is None

    link = page.get_by_role("link", name=re.compile("Open Listening"))
    url = live_server.url + link.get_attribute("href")
    seek = page.request.get(url, headers={"Range": "bytes=44-"})
    assert seek.status == 206
    assert seek.headers["content-range"].startswith("bytes 44-")
    assert seek.headers["content-type"].startswith("audio/")
    learner.close()
