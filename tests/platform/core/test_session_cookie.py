"""The session cookie survives a late request from before sign-in; signing out still clears it."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

COOKIE = settings.SESSION_COOKIE_NAME


def _learner() -> User:
    return User.objects.create_user(email="late@example.com", password="a long pass phrase 42")


def test_a_request_with_the_cookie_from_before_sign_in_leaves_the_new_cookie_alone(client):
    # Before sign-in the browser holds an anonymous session...
    before = SessionStore()
    before["seen_intro"] = True
    before.create()
    client.cookies[COOKIE] = before.session_key
    # ...signing in rotates it: the old key names no session any more.
    user = _learner()
    client.force_login(user)
    after = client.cookies[COOKIE].value
    assert after != before.session_key
    assert not SessionStore().exists(before.session_key)

    # A request the earlier page had queued arrives with the old cookie and is answered last.
    client.cookies[COOKIE] = before.session_key
    late = client.get("/")

    assert late.status_code == 200
    # Django's own middleware answered with an expired cookie, signing the person out again.
    assert COOKIE not in late.cookies
    assert late.headers["Vary"].count("Cookie") == 1
    # The browser's cookie (the new one) still signs the person in.
    client.cookies[COOKIE] = after
    assert client.get("/api/v1/users/me/").status_code == 200


def test_signing_out_still_deletes_the_session_cookie(client):
    client.force_login(_learner())
    response = client.post(reverse("account_logout"))
    assert response.cookies[COOKIE].value == ""
    assert response.cookies[COOKIE]["max-age"] == 0
