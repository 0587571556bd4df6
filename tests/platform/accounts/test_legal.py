"""Legal pages and consent: terms, privacy and cookie policy as versioned Wagtail pages;
acceptance recorded at sign-up (website and headless API), asked again when a new version is
published (the API answers 409 terms_not_accepted with the pages' URLs, the website shows
the acceptance page) except on the auth, legal and health endpoints; footer links; marketing
email only by explicit opt-in."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.testing import AUTH, bearer
from cms.site.demo import ensure_home_page, ensure_legal_pages, ensure_locales
from cms.site.models import LegalAcceptance, LegalPage

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "new.learner@example.com",
    "password": "Gr33n-tea-at-noon",
    "role": "student",
    "full_name": "Nora Learner",
}


@pytest.fixture
def legal_pages(settings):  # type: ignore[no-untyped-def]
    settings.LEGAL_ACCEPTANCE_REQUIRED = True
    ensure_locales()
    ensure_home_page()
    ensure_legal_pages()
    return {page.document: page for page in LegalPage.objects.all()}


def publish_new_version(page: LegalPage, summary: str = "New refund rules") -> None:
    page.version += 1
    page.summary = summary
    page.save_revision().publish()


def test_listing_the_documents_signed_out(api_client, legal_pages):
    answer = api_client.get("/api/v1/legal/")
    assert answer.status_code == 200
    body = answer.json()
    assert [(d["document"], d["version"], d["url"], d["accepted"]) for d in body["documents"]] == [
        ("terms", 1, "/legal/terms/", None),
        ("privacy", 1, "/legal/privacy/", None),
        ("cookies", 1, "/legal/cookies/", None),
    ]
    assert body["all_accepted"] is None


def test_api_signup_records_which_versions_were_accepted(mailbox, app_client, legal_pages):
    refused = app_client.post(f"{AUTH}/auth/signup", SIGNUP, format="json")
    assert refused.status_code == 400
    assert not User.objects.filter(email=SIGNUP["email"]).exists()

    answer = app_client.post(f"{AUTH}/auth/signup", {**SIGNUP, "accept_terms": True}, format="json")
    assert answer.status_code == 200, answer.content
    user = User.objects.get(email=SIGNUP["email"])
    assert sorted(LegalAcceptance.objects.filter(user=user).values_list("document", "version")) == [
        ("cookies", 1),
        ("privacy", 1),
        ("terms", 1),
    ]
    assert user.profile.marketing_emails is False  # not ticked: no marketing email

    client = bearer(APIClient(), answer.json()["meta"]["access_token"])
    assert client.get("/api/v1/wallet/").status_code == 200
    legal = client.get("/api/v1/legal/").json()
    assert legal["all_accepted"] is True


def test_a_new_version_gates_the_api_until_accepted(mailbox, app_client, legal_pages):
    answer = app_client.post(
        f"{AUTH}/auth/signup",
        {**SIGNUP, "accept_terms": True, "marketing_emails": True},
        format="json",
    )
    user = User.objects.get(email=SIGNUP["email"])
    assert user.profile.marketing_emails is True
    client = bearer(APIClient(), answer.json()["meta"]["access_token"])

    publish_new_version(legal_pages["terms"])
    gated = client.get("/api/v1/wallet/")
    assert gated.status_code == 409
    body = gated.json()
    assert body["code"] == "terms_not_accepted"
    assert body["documents"] == [
        {"document": "terms", "title": "Terms of service", "version": 2, "url": "/legal/terms/"}
    ]
    # Auth, legal and health endpoints stay open.
    assert client.get(f"{AUTH}/auth/session").status_code == 200
    assert client.get("/api/v1/health/").status_code == 200
    # Taking one's data never waits for an acceptance.
    assert client.get("/api/v1/users/me/export/").status_code != 409
    listing = client.get("/api/v1/legal/").json()
    assert [d["accepted"] for d in listing["documents"]] == [False, True, True]

    accepted = client.post("/api/v1/legal/accept/", {"documents": ["terms"]}, format="json")
    assert accepted.status_code == 200 and accepted.json()["all_accepted"] is True
    assert LegalAcceptance.objects.filter(user=user, document="terms", version=2).exists()
    assert client.get("/api/v1/wallet/").status_code == 200


def test_accepting_an_unknown_document_is_a_field_error(api_client, student, legal_pages):
    api_client.force_login(student)
    answer = api_client.post("/api/v1/legal/accept/", {"documents": ["eula"]}, format="json")
    assert answer.status_code == 400
    assert answer.json()["fields"]["documents"]


def test_the_website_asks_on_the_acceptance_page(client, student, legal_pages):
    client.force_login(student)
    page = client.get("/wallet/")
    assert page.status_code == 302 and page["Location"] == "/legal/accept/?next=%2Fwallet%2F"
    form = client.get(page["Location"])
    assert form.status_code == 200
    html = form.content.decode()
    assert "Terms of service" in html and 'href="/legal/privacy/"' in html

    not_ticked = client.post("/legal/accept/", {"next": "/wallet/"})
    assert not_ticked.status_code == 400
    ticked = client.post("/legal/accept/", {"next": "/wallet/", "accept": "yes"})
    assert ticked.status_code == 302 and ticked["Location"] == "/wallet/"
    assert client.get("/wallet/").status_code == 200
    # An offsite next goes home instead.
    publish_new_version(legal_pages["privacy"])
    evil = client.post("/legal/accept/", {"next": "https://evil.example/", "accept": "yes"})
    assert evil["Location"] == "/"


def test_website_signup_requires_the_box_and_records_acceptance(client, mailbox, legal_pages):
    form = {
        "email": "web.learner@example.com",
        "password1": "Gr33n-tea-at-noon",
        "role": "student",
        "full_name": "Wes Web",
    }
    refused = client.post("/accounts/signup/", form)
    assert refused.status_code == 200 and "accept_terms" in refused.context["form"].errors
    client.post("/accounts/signup/", {**form, "accept_terms": "on"})
    user = User.objects.get(email="web.learner@example.com")
    assert LegalAcceptance.objects.filter(user=user).count() == 3


def test_legal_pages_are_linked_from_every_page_and_show_their_version(client, legal_pages):
    home = client.get("/").content.decode()
    for path in ("/legal/terms/", "/legal/privacy/", "/legal/cookies/"):
        assert f'href="{path}"' in home
    redirect = client.get("/legal/cookies/")
    assert redirect.status_code == 302
    page = client.get(redirect["Location"])
    html = page.content.decode()
    assert "Version 1" in html and "csrftoken" in html and "no analytics" in html


def test_nothing_is_asked_while_no_document_is_published(api_client, student, settings):
    settings.LEGAL_ACCEPTANCE_REQUIRED = True
    api_client.force_login(student)
    assert api_client.get("/api/v1/wallet/").status_code == 200
    assert api_client.get("/api/v1/legal/").json() == {"documents": [], "all_accepted": True}


def test_the_listing_and_the_gate_cost_a_fixed_number_of_queries(
    api_client, student, legal_pages, assert_num_queries
):
    api_client.force_login(student)
    api_client.post("/api/v1/legal/accept/", {}, format="json")
    api_client.get("/api/v1/legal/")  # the current versions are cached from here on
    # Session and user (once for the gate, once for DRF's own authentication are the same
    # request.user), then the person's acceptances for the listing.
    with assert_num_queries(3):
        api_client.get("/api/v1/legal/")
    # The gate on another endpoint: its one query is the person's acceptances.
    with assert_num_queries(1, exact=False) as gated:
        api_client.get("/api/v1/health/")
    assert not any("cms_site_legalacceptance" in q["sql"] for q in gated.captured_queries)
