"""A badge's page, its image card and sharing it as a moment: the card is a 1200x630 PNG,
sharing posts one moment with the card (a second share returns the same moment while it
exists), and the public badge page (with the card as og:image) exists only while the learner's
moment is public and the feed still shows them."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from gamification.models import BadgeAward
from social.models import Moment, MomentMedia, SocialProfile

pytestmark = pytest.mark.django_db

BADGE = "first-lesson"


@pytest.fixture
def earned(learner: Any, lesson_done: Any) -> BadgeAward:
    learner.first_name, learner.last_name = "Nia", "Okafor"
    learner.save(update_fields=["first_name", "last_name"])
    lesson_done(learner, 1)
    return BadgeAward.objects.select_related("badge").get(user=learner, badge__slug=BADGE)


def png_size(data: bytes) -> tuple[int, int]:
    with Image.open(BytesIO(data)) as image:
        assert image.format == "PNG"
        image.verify()
        return image.size


def share(client: Client, text: str = "My first lesson!", visibility: str = "public") -> Any:
    return client.post(
        f"/achievements/badges/{BADGE}/share/", {"text": text, "visibility": visibility}
    )


def test_the_badge_card_is_a_1200_by_630_png_only_its_learner_reads(
    earned: BadgeAward, learner: Any, other_student: Any, client: Client
) -> None:
    client.force_login(learner)
    response = client.get(f"/achievements/badges/{BADGE}/card.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert png_size(response.content) == (1200, 630)
    assert "private" in response["Cache-Control"]
    page = client.get(f"/achievements/badges/{BADGE}/").content.decode()
    assert "Share as a moment" in page and earned.badge.name in page
    assert 'name="text"' in page and "I earned the" in page  # editable before posting
    assert "/achievements/badges/first-lesson/" in client.get("/achievements/").content.decode()

    client.force_login(other_student)  # has not earned it
    assert client.get(f"/achievements/badges/{BADGE}/card.png").status_code == 404
    assert client.get(f"/achievements/badges/{BADGE}/").status_code == 404
    assert share(client).status_code == 302
    assert not Moment.objects.exists()


def test_sharing_posts_one_moment_with_the_card_and_a_second_share_returns_it(
    earned: BadgeAward, learner: Any, client: Client
) -> None:
    client.force_login(learner)
    first = share(client, text="  Ten minutes a day works!  ")
    moment = Moment.objects.get()
    assert first.status_code == 302 and first["Location"] == f"/social/moments/{moment.pk}/"
    assert (moment.author, moment.text, moment.visibility) == (
        learner,
        "Ten minutes a day works!",
        "public",
    )
    media = MomentMedia.objects.get(moment=moment)
    assert (media.kind, media.width, media.height) == ("image", 1200, 630)
    earned.refresh_from_db()
    assert earned.shared_moment_id == moment.pk

    again = share(client, text="twice")
    assert again["Location"] == f"/social/moments/{moment.pk}/"
    assert Moment.objects.count() == 1  # a double click or a retried form posts once
    assert "See your moment" in client.get(f"/achievements/badges/{BADGE}/").content.decode()

    moment.delete()  # the learner deleted their moment: sharing again makes a new one
    share(client)
    assert Moment.objects.count() == 1 and Moment.objects.get().pk != moment.pk


def test_the_public_badge_page_exists_only_while_the_moment_is_public(
    earned: BadgeAward, learner: Any, client: Client
) -> None:
    public = f"/achievements/people/{learner.pk}/badges/{BADGE}/"
    anonymous = Client()
    assert anonymous.get(public).status_code == 404  # not shared yet

    client.force_login(learner)
    share(client, visibility="followers")
    assert anonymous.get(public).status_code == 404
    assert anonymous.get(public + "card.png").status_code == 404
    assert "has no public page" in client.get(f"/achievements/badges/{BADGE}/").content.decode()

    Moment.objects.update(visibility="public")
    page = anonymous.get(public)
    assert page.status_code == 200
    html = page.content.decode()
    card = f"http://testserver{public}card.png"
    assert f'<meta property="og:image" content="{card}">' in html
    assert "Nia Okafor earned" in html
    image = anonymous.get(public + "card.png")
    assert image.status_code == 200 and png_size(image.content) == (1200, 630)
    assert public in client.get(f"/achievements/badges/{BADGE}/").content.decode()

    # The social feed's own privacy applies: a limited (shadow-banned) or suspended learner,
    # or a moment a moderator hid, has no public badge page.
    SocialProfile.objects.update_or_create(user=learner, defaults={"limited_at": timezone.now()})
    assert anonymous.get(public).status_code == 404
    SocialProfile.objects.filter(user=learner).update(limited_at=None)
    Moment.objects.update(status=Moment.Status.HIDDEN)
    assert anonymous.get(public + "card.png").status_code == 404
    Moment.objects.update(status=Moment.Status.PUBLISHED)
    learner.is_active = False
    learner.save(update_fields=["is_active"])
    assert anonymous.get(public).status_code == 404
    assert anonymous.get(f"/achievements/people/{learner.pk}/badges/unknown/").status_code == 404
