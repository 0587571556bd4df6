"""Starting a chat without knowing a user id: people found by name (only names, only
people who can be messaged, never across a block), and the "Message" button of a profile."""

import pytest
from django.utils import timezone

from messaging import services
from messaging.models import Conversation
from tutoring.testing import make_listing  # noqa: F401

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [person["name"] for person in response.json()["results"]]


def test_people_are_found_by_every_word_of_their_name_paginated(
    api_client, student, user_factory, assert_num_queries
):
    for n in range(25):
        user_factory(first_name="Marta", last_name=f"García {n:02}")
    user_factory(first_name="Marta", last_name="Ruiz")
    api_client.force_login(student)
    api_client.get("/api/v1/people/", {"q": "marta"})
    with assert_num_queries(5):
        first = api_client.get("/api/v1/people/", {"q": "marta"})
    assert first.status_code == 200 and first.json()["count"] == 26
    assert len(first.json()["results"]) == 20 and first.json()["next"]
    with assert_num_queries(5):
        second = api_client.get(first.json()["next"])
    assert len(second.json()["results"]) == 6
    assert names(api_client.get("/api/v1/people/", {"q": "marta ruiz"})) == ["Marta Ruiz"]
    assert set(first.json()["results"][0]) == {"id", "name"}  # nothing else about them


def test_search_keeps_privacy_and_blocks(api_client, student, other_student, user_factory):
    user_factory(first_name="Lena", last_name="Unverified", verified=False)
    user_factory(first_name="Lena", last_name="Gone", is_active=False)
    user_factory(first_name="Lena", last_name="Suspended", suspended_at=timezone.now())
    blocker = user_factory(first_name="Lena", last_name="Blocker")
    blocked = user_factory(first_name="Lena", last_name="Blocked")
    services.block_user(blocker, student)
    services.block_user(student, blocked)
    api_client.force_login(student)
    assert names(api_client.get("/api/v1/people/", {"q": "Lena"})) == ["Lena Learner"]
    # Names only: an email address finds nobody, and one letter is too little to search.
    assert names(api_client.get("/api/v1/people/", {"q": "lena@example.com"})) == []
    assert names(api_client.get("/api/v1/people/", {"q": "L"})) == []
    assert names(api_client.get("/api/v1/people/", {"q": "Sam"})) == []  # not oneself


def test_people_search_needs_a_verified_signed_in_user(api_client, user_factory):
    assert api_client.get("/api/v1/people/", {"q": "Lena"}).status_code in (401, 403)
    api_client.force_login(user_factory(verified=False))
    assert api_client.get("/api/v1/people/", {"q": "Lena"}).status_code == 403


def test_message_button_opens_the_one_direct_conversation(client, student, other_student):
    client.force_login(student)
    response = client.post(f"/chat/with/{other_student.pk}/")
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/chat/?conversation={conversation.pk}"
    again = client.post(f"/chat/with/{other_student.pk}/")
    assert again["Location"] == response["Location"] and Conversation.objects.count() == 1
    assert client.get(f"/chat/with/{other_student.pk}/").status_code == 405


def test_message_button_refuses_across_a_block(client, student, other_student):
    services.block_user(other_student, student)
    client.force_login(student)
    response = client.post(f"/chat/with/{other_student.pk}/", follow=True)
    assert not Conversation.objects.exists()
    assert "You cannot message this person." in response.content.decode()


def test_profiles_carry_the_message_button(client, student, make_listing):  # noqa: F811
    listing = make_listing()
    client.force_login(student)
    page = client.get(f"/tutoring/teachers/{listing.pk}/").content.decode()
    assert f'action="/chat/with/{listing.pk}/"' in page
    client.force_login(listing.user)
    page = client.get(f"/tutoring/teachers/{listing.pk}/").content.decode()
    assert f'action="/chat/with/{listing.pk}/"' not in page  # not to oneself


def test_a_learners_profile_carries_the_message_button(client, student, other_student):
    client.force_login(student)
    page = client.get(f"/social/people/{other_student.pk}/").content.decode()
    assert f'action="/chat/with/{other_student.pk}/"' in page
    response = client.post(f"/chat/with/{other_student.pk}/")
    conversation = Conversation.objects.get()
    assert response["Location"] == f"/chat/?conversation={conversation.pk}"
    own = client.get(f"/social/people/{student.pk}/").content.decode()
    assert "/chat/with/" not in own  # not on one's own profile
    services.block_user(other_student, student)
    assert client.get(f"/social/people/{other_student.pk}/").status_code == 404
