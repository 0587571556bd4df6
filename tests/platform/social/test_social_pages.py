"""The social website pages beside the feed: editing a moment within the edit window,
saved moments, followers / following lists under their privacy setting, Discover's language
and level filters, deleting and reporting comments, and the moderators' limited-authors
screen where a silent limit is lifted. Lists are asserted to take a bounded number of
queries whatever their length."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import LearningLanguage
from social import services
from social.models import Comment, ModerationAction, Moment, Report, SocialProfile

pytestmark = pytest.mark.django_db


def signed_in(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def speaks(user: Any, native: str, learning: dict[str, str]) -> None:
    user.profile.native_language = native
    user.profile.save()
    for language, level in learning.items():
        LearningLanguage.objects.create(profile=user.profile, language=language, level=level)


# --- editing a moment -----------------------------------------------------------------------


def test_the_author_edits_a_moment_within_the_window_only(
    client: Any, student: Any, other_student: Any, post: Any
) -> None:
    moment = post(student, "Ayer fui al mercado", topics=["food"])
    url = f"/social/moments/{moment['id']}/edit/"
    page = signed_in(client, student).get(url)
    assert page.status_code == 200
    assert (
        "Ayer fui al mercado" in page.content.decode() and 'value="food"' in page.content.decode()
    )
    assert f'href="{url}"' in client.get(f"/social/moments/{moment['id']}/").content.decode()
    done = client.post(
        url,
        {"text": "Ayer fui al mercado con mi madre", "visibility": "followers", "topics": "family"},
    )
    assert done.status_code == 302 and done["Location"] == f"/social/moments/{moment['id']}/"
    edited = Moment.objects.get(pk=moment["id"])
    assert edited.text == "Ayer fui al mercado con mi madre" and edited.visibility == "followers"
    assert list(edited.topics.values_list("tag", flat=True)) == ["family"]
    assert edited.edited_at is not None and edited.correct_me is False
    assert "edited" in client.get(f"/social/moments/{moment['id']}/").content.decode()

    # Someone else cannot open the edit page of a moment they can see.
    public = post(student, "Otra cosa")
    assert (
        signed_in(client, other_student).get(f"/social/moments/{public['id']}/edit/").status_code
        == 404
    )

    # After the window: no Edit link, and the page sends the author back with a message.
    Moment.objects.filter(pk=public["id"]).update(created_at=timezone.now() - timedelta(hours=1))
    signed_in(client, student)
    detail = client.get(f"/social/moments/{public['id']}/").content.decode()
    assert f"/social/moments/{public['id']}/edit/" not in detail
    late = client.post(
        f"/social/moments/{public['id']}/edit/",
        {"text": "late", "visibility": "public"},
        follow=True,
    )
    assert "only be edited shortly after posting" in late.content.decode()
    assert Moment.objects.get(pk=public["id"]).text == "Otra cosa"


def test_an_edit_into_profanity_is_held_for_review(client: Any, student: Any, post: Any) -> None:
    moment = post(student, "Hola a todos")
    answer = signed_in(client, student).post(
        f"/social/moments/{moment['id']}/edit/",
        {"text": "fuck this grammar", "visibility": "public"},
        follow=True,
    )
    assert "waiting for a moderator" in answer.content.decode()
    assert Moment.objects.get(pk=moment["id"]).status == Moment.Status.HELD
    assert Report.objects.filter(moment_id=moment["id"], category="automatic").exists()


# --- bookmarks ------------------------------------------------------------------------------


def test_saved_moments_page(
    client: Any, student: Any, other_student: Any, post: Any, django_assert_max_num_queries: Any
) -> None:
    signed_in(client, other_student)
    empty = client.get("/social/bookmarks/")
    assert empty.status_code == 200 and "Nothing saved yet" in empty.content.decode()
    ids = [post(student, f"Palabra número {n}")["id"] for n in range(3)]
    for moment_id in ids:
        saved = client.post(f"/social/moments/{moment_id}/save/", {"next": "/social/discover/"})
        assert saved.status_code == 302 and saved["Location"] == "/social/discover/"
    with django_assert_max_num_queries(16) as few:
        page = client.get("/social/bookmarks/")
    baseline = len(few.captured_queries)
    texts = [f"Palabra número {n}" for n in range(3)]
    assert all(text in page.content.decode() for text in texts)
    assert 'aria-pressed="true" data-testid="bookmark"' in page.content.decode()
    for n in range(10):
        services.bookmark(other_student, post(student, f"Más {n}")["id"])
    with django_assert_max_num_queries(baseline):
        client.get("/social/bookmarks/")
    # Un-saving; and a saved moment that became invisible is not listed.
    client.post(f"/social/moments/{ids[0]}/save/", {"action": "unbookmark"})
    Moment.objects.filter(pk=ids[1]).update(visibility="only_me")
    listed = client.get("/social/bookmarks/").content.decode()
    assert "Palabra número 0" not in listed and "Palabra número 1" not in listed
    assert "Palabra número 2" in listed
    # An offsite "next" is not followed.
    away = client.post(f"/social/moments/{ids[2]}/save/", {"next": "https://evil.example/"})
    assert away["Location"] == "/social/bookmarks/"


# --- followers / following ------------------------------------------------------------------


def test_followers_and_following_pages_respect_the_privacy_setting(
    client: Any,
    student: Any,
    other_student: Any,
    teacher: Any,
    user_factory: Any,
    django_assert_max_num_queries: Any,
) -> None:
    services.follow(other_student, student.pk)
    services.follow(student, teacher.pk)
    signed_in(client, teacher)
    profile = client.get(f"/social/people/{student.pk}/").content.decode()
    assert f"/social/people/{student.pk}/followers/" in profile
    with django_assert_max_num_queries(16) as few:
        followers = client.get(f"/social/people/{student.pk}/followers/")
    baseline = len(few.captured_queries)
    assert followers.status_code == 200 and "Lena Learner" in followers.content.decode()
    following = client.get(f"/social/people/{student.pk}/following/").content.decode()
    assert "Tomás Teacher" in following and ">You<" in following

    for n in range(8):
        services.follow(user_factory(email=f"fan{n}@example.com"), student.pk)
    with django_assert_max_num_queries(baseline):
        crowded = client.get(f"/social/people/{student.pk}/followers/")
    assert crowded.content.decode().count('class="card flex items-center gap-3"') == 9

    # Followers only: the teacher does not follow the student, so the list is private ...
    signed_in(client, student)
    client.post(
        f"/social/people/{student.pk}/",
        {"action": "connections", "connections_visibility": "followers"},
    )
    assert SocialProfile.objects.get(user=student).connections_visibility == "followers"
    signed_in(client, teacher)
    private = client.get(f"/social/people/{student.pk}/followers/").content.decode()
    assert "This list is private" in private and "Lena Learner" not in private
    assert "lists are private" in client.get(f"/social/people/{student.pk}/").content.decode()
    # ... a follower sees it; with "only me", nobody but the person does.
    signed_in(client, other_student)
    assert "Lena Learner" in client.get(f"/social/people/{student.pk}/followers/").content.decode()
    signed_in(client, student)
    client.post(
        f"/social/people/{student.pk}/",
        {"action": "connections", "connections_visibility": "only_me"},
    )
    assert "Lena Learner" in client.get(f"/social/people/{student.pk}/followers/").content.decode()
    signed_in(client, other_student)
    assert (
        "This list is private"
        in client.get(f"/social/people/{student.pk}/following/").content.decode()
    )
    # Nobody changes someone else's setting.
    client.post(
        f"/social/people/{student.pk}/",
        {"action": "connections", "connections_visibility": "public"},
    )
    assert SocialProfile.objects.get(user=student).connections_visibility == "only_me"


def test_a_blocked_follower_is_not_listed(
    client: Any, student: Any, other_student: Any, teacher: Any
) -> None:
    from messaging.services import block_user

    services.follow(other_student, student.pk)
    services.follow(teacher, student.pk)
    block_user(teacher, other_student)
    signed_in(client, teacher)
    page = client.get(f"/social/people/{student.pk}/followers/").content.decode()
    assert "Lena Learner" not in page and "Tomás Teacher" in page
    assert client.get(f"/social/people/{other_student.pk}/followers/").status_code == 404


# --- Discover filters -----------------------------------------------------------------------


def test_discover_filters_by_language_and_level(
    client: Any,
    student: Any,
    other_student: Any,
    teacher: Any,
    post: Any,
    django_assert_max_num_queries: Any,
) -> None:
    speaks(student, "en", {"es": "A2", "fr": "B1"})
    speaks(other_student, "de", {"es": "B2"})
    speaks(teacher, "fr", {"es": "A2"})
    post(other_student, "Ich lerne Spanisch: la casa es grande", language="es")  # level B2
    post(teacher, "Je suis ravi de lire vos messages", language="fr")  # native
    post(teacher, "Hoy es lunes", language="es")  # level A2
    signed_in(client, student)
    with django_assert_max_num_queries(28) as few:
        everything = client.get("/social/discover/").content.decode()
    baseline = len(few.captured_queries)
    assert all(text in everything for text in ("la casa es grande", "ravi de lire", "Hoy es lunes"))
    spanish = client.get("/social/discover/?language=es").content.decode()
    assert "la casa es grande" in spanish and "Hoy es lunes" in spanish
    assert "ravi de lire" not in spanish
    assert '<option value="es" selected>' in spanish
    a2 = client.get("/social/discover/?language=es&level=A2").content.decode()
    assert "Hoy es lunes" in a2 and "la casa es grande" not in a2
    native = client.get("/social/discover/?level=native").content.decode()
    assert "ravi de lire" in native and "Hoy es lunes" not in native
    none = client.get("/social/discover/?language=fr&level=C2").content.decode()
    assert "No public moment matches these filters" in none
    # A language the viewer neither learns nor speaks is ignored, not an error.
    assert client.get("/social/discover/?language=zz&level=nonsense").status_code == 200
    for n in range(12):
        post(other_student, f"Frase {n}", language="es")
    with django_assert_max_num_queries(baseline):
        client.get("/social/discover/")


# --- comments: delete and report ------------------------------------------------------------


def test_comment_delete_by_its_author_or_the_moments_author_and_report_by_others(
    client: Any, student: Any, other_student: Any, teacher: Any, post: Any
) -> None:
    moment = post(student, "Mi primera frase")
    url = f"/social/moments/{moment['id']}/"
    lena = services.comment(other_student, moment["id"], text="Muy bien")
    tomas = services.comment(teacher, moment["id"], text="Compra seguidores aquí")
    reply = services.comment(other_student, moment["id"], text="Gracias", parent_id=tomas.pk)

    signed_in(client, teacher)
    page = client.get(url).content.decode()
    # Tomás may delete his own comment, and report Lena's; not delete hers.
    assert page.count('data-testid="delete-comment"') == 1
    assert f'name="target_id" value="{lena.pk}"' in page
    refused = client.post(url, {"action": "delete_comment", "comment": lena.pk}, follow=True)
    assert Comment.objects.filter(pk=lena.pk).exists()
    assert refused.status_code == 200
    reported = client.post(
        "/social/report/",
        {"target": "comment", "target_id": str(lena.pk), "category": "spam", "next": url},
    )
    assert reported.status_code == 302 and reported["Location"] == url
    assert Report.objects.filter(comment=lena, reporter=teacher).exists()

    # The moment's author deletes Tomás's comment (with its reply).
    signed_in(client, student)
    page = client.get(url).content.decode()
    assert page.count('data-testid="delete-comment"') == 3
    gone = client.post(url, {"action": "delete_comment", "comment": tomas.pk})
    assert gone.status_code == 302 and gone["Location"] == f"{url}#comments"
    assert not Comment.objects.filter(pk__in=[tomas.pk, reply.pk]).exists()

    # Lena deletes her own.
    signed_in(client, other_student)
    client.post(url, {"action": "delete_comment", "comment": lena.pk})
    assert not Comment.objects.filter(pk=lena.pk).exists()


# --- lifting a limit in the admin -----------------------------------------------------------


def test_a_senior_moderator_lifts_a_limit_in_the_admin(
    client: Any,
    senior_moderator: Any,
    student: Any,
    other_student: Any,
    teacher: Any,
    client_for: Any,
    post: Any,
    user_factory: Any,
    django_assert_max_num_queries: Any,
) -> None:
    services.follow(teacher, student.pk)
    moment = post(student, "Compra seguidores baratos")["id"]
    report = services.report(
        other_student, target="moment", target_id=str(moment), category="spam", details=""
    )
    services.decide_report(
        report, moderator=senior_moderator, kind="limit", reason="Selling followers"
    )
    assert client_for(teacher).get(f"/api/v1/social/moments/{moment}/").status_code == 404

    signed_in(client, senior_moderator)
    admin_home = client.get("/admin/").content.decode()
    assert "/admin/moderation/social-limited/" in admin_home
    with django_assert_max_num_queries(40) as few:
        listing = client.get("/admin/moderation/social-limited/")
    baseline = len(few.captured_queries)
    assert listing.status_code == 200
    assert "sam@example.com" in listing.content.decode()
    assert "Selling followers" in listing.content.decode()

    for n in range(5):
        spammer = user_factory(email=f"spam{n}@example.com")
        services.decide_report(
            services.report(
                other_student,
                target="profile",
                target_id=str(spammer.pk),
                category="spam",
                details="",
            ),
            moderator=senior_moderator,
            kind="limit",
            reason=f"Spam {n}",
        )
    with django_assert_max_num_queries(baseline):
        client.get("/admin/moderation/social-limited/")

    lift = f"/admin/moderation/social-limited/{student.pk}/lift/"
    no_reason = client.post(lift, {"reason": "  "})
    assert no_reason.status_code == 302
    assert SocialProfile.objects.get(user=student).limited_at is not None
    done = client.post(lift, {"reason": "Appeal by email: a misunderstanding"})
    assert done.status_code == 302
    assert SocialProfile.objects.get(user=student).limited_at is None
    logged = ModerationAction.objects.get(subject=student, kind="unlimit")
    assert logged.moderator == senior_moderator and "misunderstanding" in logged.reason
    assert client_for(teacher).get(f"/api/v1/social/moments/{moment}/").status_code == 200
    assert "sam@example.com" not in client.get("/admin/moderation/social-limited/").content.decode()
    assert client.post(lift, {"reason": "again"}).status_code == 404


def test_students_cannot_see_or_lift_limits(client: Any, student: Any, other_student: Any) -> None:
    signed_in(client, student)
    assert client.get("/admin/moderation/social-limited/").status_code in (302, 403)
    answer = client.post(
        f"/admin/moderation/social-limited/{other_student.pk}/lift/", {"reason": "x"}
    )
    assert answer.status_code in (302, 403)
