"""Who sees what on every surface: a block either way, a limited author (the shadow-ban
seen from both sides), followers-only and only-me moments, held and hidden moments,
suspended and deleted accounts; and the pinned query counts of the lists."""

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from messaging.services import block_user
from social import services
from social.models import Moment, SocialProfile

pytestmark = pytest.mark.django_db

SURFACES = [
    "/api/v1/social/feed/",
    "/api/v1/social/discover/?language=es",
    "/api/v1/social/moments/?author={author}",
]


def ids_on(client: Any, url: str) -> list[int]:
    answer = client.get(url)
    assert answer.status_code in (200, 404), answer.json()
    return [m["id"] for m in answer.json().get("results", [])] if answer.status_code == 200 else []


@pytest.fixture
def ana(role_user: Callable[..., Any]) -> Any:
    from accounts.roles import Role

    return role_user(Role.STUDENT, email="ana@example.com", first_name="Ana", last_name="Author")


@pytest.fixture
def ana_posts(ana: Any, student: Any, post: Any) -> dict[str, int]:
    services.follow(student, ana.pk)
    return {
        "public": post(ana, "Pública")["id"],
        "followers": post(ana, "Para seguidores", visibility="followers")["id"],
        "only_me": post(ana, "Solo yo", visibility="only_me")["id"],
    }


def seen_by(client: Any, author: Any) -> dict[str, set[int]]:
    """The author's moments the client sees on each surface."""
    theirs = set(Moment.objects.filter(author=author).values_list("pk", flat=True))
    return {url: set(ids_on(client, url.format(author=author.pk))) & theirs for url in SURFACES}


def test_visibility_levels(
    ana: Any, ana_posts: dict[str, int], student: Any, other_student: Any, client_for: Any
) -> None:
    follower = seen_by(client_for(student), ana)
    stranger = seen_by(client_for(other_student), ana)
    author = seen_by(client_for(ana), ana)
    assert follower[SURFACES[0]] == {ana_posts["public"], ana_posts["followers"]}
    assert follower[SURFACES[2]] == {ana_posts["public"], ana_posts["followers"]}
    assert stranger[SURFACES[0]] == set()
    assert stranger[SURFACES[1]] == {ana_posts["public"]}
    assert stranger[SURFACES[2]] == {ana_posts["public"]}
    assert author[SURFACES[2]] == set(ana_posts.values())
    assert author[SURFACES[0]] == set(ana_posts.values())
    for key, moment_id in ana_posts.items():
        code = client_for(other_student).get(f"/api/v1/social/moments/{moment_id}/").status_code
        assert code == (200 if key == "public" else 404)


@pytest.mark.parametrize("direction", ["viewer_blocked_author", "author_blocked_viewer"])
def test_a_block_either_way_hides_everything(
    direction: str,
    ana: Any,
    ana_posts: dict[str, int],
    student: Any,
    other_student: Any,
    client_for: Any,
    post: Any,
) -> None:
    services.follow(ana, student.pk)
    mine = post(student, "Mi momento")["id"]
    client_for(ana).post(f"/api/v1/social/moments/{mine}/comments/", {"text": "¡Hola!"})
    if direction == "viewer_blocked_author":
        block_user(student, ana)
    else:
        block_user(ana, student)
    client = client_for(student)
    assert seen_by(client, ana) == {url: set() for url in SURFACES}
    assert client.get(f"/api/v1/social/moments/{ana_posts['public']}/").status_code == 404
    assert client.get(f"/api/v1/social/users/{ana.pk}/").status_code == 404
    assert client.get(f"/api/v1/social/moments/{mine}/comments/").json()["results"] == []
    followers = client.get(f"/api/v1/social/users/{student.pk}/followers/").json()["results"]
    assert followers == []
    assert client.post(f"/api/v1/social/users/{ana.pk}/follow/").status_code == 403
    assert client.post(f"/api/v1/social/moments/{ana_posts['public']}/likes/").status_code == 404
    # Ana is equally cut off from Sam.
    assert client_for(ana).get(f"/api/v1/social/moments/{mine}/").status_code == 404
    assert mine not in ids_on(client_for(ana), "/api/v1/social/feed/")


def test_shadow_ban_from_both_sides(
    ana: Any, ana_posts: dict[str, int], student: Any, client_for: Any, post: Any, moderator: Any
) -> None:
    mine = post(student, "Mi momento")["id"]
    SocialProfile.objects.update_or_create(user=ana, defaults={"limited_at": timezone.now()})
    later = post(ana, "Después del límite")["id"]
    comment = client_for(ana).post(f"/api/v1/social/moments/{mine}/comments/", {"text": "Spam"})
    assert comment.status_code == 201  # nothing tells Ana she is limited
    # Ana still sees everything of hers, as before.
    author_view = seen_by(client_for(ana), ana)
    assert later in author_view[SURFACES[0]] and later in author_view[SURFACES[2]]
    assert client_for(ana).get(f"/api/v1/social/moments/{later}/").status_code == 200
    ana_thread = client_for(ana).get(f"/api/v1/social/moments/{mine}/comments/").json()
    assert [c["text"] for c in ana_thread["results"]] == ["Spam"]
    # Everyone else sees none of it.
    assert seen_by(client_for(student), ana) == {url: set() for url in SURFACES}
    assert client_for(student).get(f"/api/v1/social/moments/{later}/").status_code == 404
    sam_thread = client_for(student).get(f"/api/v1/social/moments/{mine}/comments/").json()
    assert sam_thread["results"] == []
    assert client_for(student).get(f"/api/v1/social/moments/{mine}/").json()["comment_count"] == 0
    from notifications.models import Notification

    assert not Notification.objects.filter(recipient=student, type="social.comment").exists()


def likes_and_comments(client: Any, moment: int) -> tuple[int, int, set[str]]:
    """The counts on the moment and the people on its likes list, as ``client`` sees them."""
    shown = client.get(f"/api/v1/social/moments/{moment}/").json()
    likers = client.get(f"/api/v1/social/moments/{moment}/likes/").json()["results"]
    return shown["like_count"], shown["comment_count"], {p["id"] for p in likers}


@pytest.mark.parametrize("how", ["limited", "blocked_by_viewer", "blocked_viewer"])
def test_counts_and_likers_never_give_away_a_limit_or_a_block(
    how: str,
    ana: Any,
    student: Any,
    other_student: Any,
    client_for: Any,
    post: Any,
) -> None:
    moment = post(other_student, "Un momento de Olga")["id"]
    for person in (ana, student):
        assert client_for(person).post(f"/api/v1/social/moments/{moment}/likes/").status_code in (
            200,
            201,
        )
        client_for(person).post(f"/api/v1/social/moments/{moment}/comments/", {"text": "¡Hola!"})
    everyone = {str(ana.pk), str(student.pk)}
    assert likes_and_comments(client_for(other_student), moment) == (2, 2, everyone)
    if how == "limited":
        SocialProfile.objects.update_or_create(user=ana, defaults={"limited_at": timezone.now()})
        viewers = [student, other_student]
    elif how == "blocked_by_viewer":
        block_user(student, ana)
        viewers = [student]
    else:
        block_user(ana, student)
        viewers = [student]
    for viewer in viewers:
        assert likes_and_comments(client_for(viewer), moment) == (1, 1, {str(student.pk)})
        feed_card = (
            next(
                m
                for m in client_for(viewer)
                .get("/api/v1/social/discover/?language=es")
                .json()["results"]
                if m["id"] == moment
            )
            if viewer != other_student
            else None
        )
        if feed_card is not None:
            assert (feed_card["like_count"], feed_card["comment_count"]) == (1, 1)
    if how == "limited":
        # Ana, limited, still sees her own like and comment counted, as before the limit.
        assert likes_and_comments(client_for(ana), moment) == (2, 2, everyone)


def test_held_and_hidden_moments_are_the_authors_only(
    ana: Any, student: Any, client_for: Any, post: Any
) -> None:
    services.follow(student, ana.pk)
    held = post(ana, "What a shit day")  # profanity: held for review
    assert held["status"] == "held"
    assert held["id"] in ids_on(client_for(ana), "/api/v1/social/feed/")
    assert held["id"] not in ids_on(client_for(student), "/api/v1/social/feed/")
    assert client_for(student).get(f"/api/v1/social/moments/{held['id']}/").status_code == 404


@pytest.mark.parametrize("gone", ["suspended", "deleted"])
def test_suspended_and_deleted_accounts_vanish(
    gone: str, ana: Any, ana_posts: dict[str, int], student: Any, client_for: Any, moderator: Any
) -> None:
    if gone == "suspended":
        from accounts.services import suspend_user

        suspend_user(ana, by=moderator, reason="spam")
    else:
        from accounts.services import delete_account

        delete_account(ana)
    assert seen_by(client_for(student), ana)[SURFACES[0]] == set()
    assert seen_by(client_for(student), ana)[SURFACES[1]] == set()
    assert client_for(student).get(f"/api/v1/social/users/{ana.pk}/").status_code == 404
    following = client_for(student).get(f"/api/v1/social/users/{student.pk}/following/")
    assert following.json()["results"] == []


def test_connections_privacy(ana: Any, student: Any, other_student: Any, client_for: Any) -> None:
    services.follow(student, ana.pk)
    url = f"/api/v1/social/users/{ana.pk}/followers/"
    assert [p["id"] for p in client_for(other_student).get(url).json()["results"]] == [
        str(student.pk)
    ]
    client_for(ana).patch("/api/v1/social/settings/", {"connections_visibility": "followers"})
    assert client_for(other_student).get(url).status_code == 403
    assert client_for(student).get(url).status_code == 200
    client_for(ana).patch("/api/v1/social/settings/", {"connections_visibility": "only_me"})
    assert client_for(student).get(url).status_code == 403
    assert client_for(ana).get(url).status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_list_query_counts_do_not_grow_with_the_page(
    count: int,
    ana: Any,
    student: Any,
    client_for: Any,
    role_user: Callable[..., Any],
    assert_num_queries: Any,
    jpeg_with_gps: Any,
) -> None:
    from accounts.roles import Role

    services.follow(student, ana.pk)
    first = None
    for number in range(count):
        moment = services.post_moment(
            ana,
            text=f"Momento {number}",
            language="es",
            topics=["viaje"],
            images=[jpeg_with_gps(size=(30, 30))],
        )
        first = first or moment
        fan = role_user(Role.STUDENT)
        services.follow(fan, ana.pk)
        services.like(fan, moment.pk)
        services.comment(fan, first.pk, text="¡Bien!")
    client = client_for(student)
    from social import feeds

    feeds.rebuild(student)
    # feed: moments with authors and counts, media, topics (Redis ids: no SQL)
    with assert_num_queries(3):
        assert len(client.get("/api/v1/social/feed/?page_size=20").json()["results"]) == count
    # discover: learner languages (2), count, moments, media, topics, trending topics
    with assert_num_queries(7):
        assert client.get("/api/v1/social/discover/?page_size=20").status_code == 200
    with assert_num_queries(5):  # person, count, page, media, topics
        assert client.get(f"/api/v1/social/moments/?author={ana.pk}").status_code == 200
    with assert_num_queries(4):  # person, connections setting, count, page
        assert len(client.get(f"/api/v1/social/users/{ana.pk}/followers/").json()["results"]) == (
            count + 1
        )
    with assert_num_queries(4):  # moment visible, count, comments, replies
        client.get(f"/api/v1/social/moments/{first.pk}/comments/")
    with assert_num_queries(3):  # moment visible, count, likers
        client.get(f"/api/v1/social/moments/{first.pk}/likes/")
