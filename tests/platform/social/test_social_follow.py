"""Follow and unfollow through the public surfaces: the API (POST then DELETE
/api/v1/social/users/{id}/follow/, with the followers list and counts) and the Follow
button on a person's profile page (the form posted as the browser does)."""

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def follower_ids(client: Any, person: Any) -> list[str]:
    answer = client.get(f"/api/v1/social/users/{person.pk}/followers/")
    assert answer.status_code == 200
    return [p["id"] for p in answer.json()["results"]]


def test_follow_and_unfollow_through_the_api(
    student: Any, other_student: Any, teacher: Any, client_for: Any
) -> None:
    sam, url = client_for(student), f"/api/v1/social/users/{other_student.pk}/follow/"
    assert follower_ids(sam, other_student) == []
    followed = sam.post(url)
    assert followed.status_code == 200, followed.json()
    assert followed.json() == {"following": True, "followers": 1}
    assert sam.post(url).json() == {"following": True, "followers": 1}  # idempotent
    assert follower_ids(client_for(teacher), other_student) == [str(student.pk)]
    person = sam.get(f"/api/v1/social/users/{other_student.pk}/").json()
    assert person["followers"] == 1 and person["followed_by_me"] is True
    mine = sam.get(f"/api/v1/social/users/{student.pk}/following/").json()["results"]
    assert [p["id"] for p in mine] == [str(other_student.pk)]
    assert sam.get(f"/api/v1/social/users/{student.pk}/").json()["following"] == 1

    unfollowed = sam.delete(url)
    assert unfollowed.status_code == 200
    assert unfollowed.json() == {"following": False, "followers": 0}
    assert follower_ids(client_for(teacher), other_student) == []
    assert sam.get(f"/api/v1/social/users/{other_student.pk}/").json()["followers"] == 0
    assert sam.post(f"/api/v1/social/users/{student.pk}/follow/").status_code == 403  # oneself
    from notifications.models import Notification

    told = Notification.objects.filter(recipient=other_student, type="social.follow")
    assert told.count() == 1


def test_follow_button_on_the_profile_page(client: Any, student: Any, other_student: Any) -> None:
    client.force_login(student)
    url = f"/social/people/{other_student.pk}/"
    page = client.get(url).content.decode()
    assert ">Follow<" in page.replace("\n", "") or "Follow</button>" in page
    assert "1 follower" not in page
    done = client.post(url, {})
    assert done.status_code == 302 and done["Location"] == url
    page = client.get(url).content.decode()
    assert "Following</button>" in page and "1 follower" in page
    assert 'name="action" value="unfollow"' in page
    client.post(url, {"action": "unfollow"})
    page = client.get(url).content.decode()
    assert "Following</button>" not in page and "0 followers" in page
