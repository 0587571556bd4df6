"""A teacher's marketplace page offers Follow/Following (social's template tag, so tutoring
imports nothing of social) and a link to the teacher's moments; following there comes back
to the teacher's page."""

from typing import Any

import pytest

from social.models import Follow
from tutoring.testing import make_listing  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_follow_a_teacher_from_their_page(
    client: Any,
    student: Any,
    teacher: Any,
    make_listing: Any,  # noqa: F811
) -> None:
    listing = make_listing(teacher)
    page_url = f"/tutoring/teachers/{listing.pk}/"
    profile_url = f"/social/people/{teacher.pk}/"
    assert 'data-testid="follow-form"' not in client.get(page_url).content.decode()  # anonymous

    client.force_login(student)
    page = client.get(page_url).content.decode()
    assert f'action="{profile_url}"' in page and "Follow</button>" in page
    assert f'href="{profile_url}" data-testid="teacher-moments"' in page
    done = client.post(profile_url, {"next": page_url})
    assert done.status_code == 302 and done["Location"] == page_url
    assert Follow.objects.filter(follower=student, followee=teacher).exists()
    page = client.get(page_url).content.decode()
    assert "Following</button>" in page and 'value="unfollow"' in page

    client.post(profile_url, {"action": "unfollow", "next": "https://evil.example/"})
    assert not Follow.objects.filter(follower=student, followee=teacher).exists()

    client.force_login(teacher)  # the teacher sees no Follow button on their own page
    assert 'data-testid="follow-form"' not in client.get(page_url).content.decode()
