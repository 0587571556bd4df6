"""The social part of the data export and of account deletion, and the demo feed."""

from typing import Any

import pytest

from social import services, timelines
from social.models import Appeal, Comment, Follow, Like, Moment, MomentMedia, Report

pytestmark = pytest.mark.django_db


def test_export_and_erasure(
    student: Any,
    other_student: Any,
    moderator: Any,
    client_for: Any,
    post: Any,
    jpeg_with_gps: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from accounts.selectors import export_personal_data
    from accounts.services import delete_account

    answer = client_for(student).post(
        "/api/v1/social/moments/",
        {"text": "Mi foto", "language": "es", "images": [jpeg_with_gps(size=(40, 40))]},
        format="multipart",
    )
    moment_id = answer.json()["id"]
    theirs = post(other_student, "Hola a todos")["id"]
    services.follow(student, other_student.pk)
    services.follow(other_student, student.pk)
    services.like(student, theirs)
    services.bookmark(student, theirs)
    services.comment(student, theirs, text="¡Hola!")
    services.report(student, target="moment", target_id=theirs, category="spam")
    services.report(other_student, target="moment", target_id=moment_id, category="other")
    action = services.decide_report(
        Report.objects.get(moment_id=moment_id), moderator=moderator, kind="warn", reason="Be kind"
    )
    services.appeal(student, action.pk, "I was kind")

    data = export_personal_data(student)["social"]
    assert [m["text"] for m in data["moments"]] == ["Mi foto"]
    assert data["moments"][0]["media"][0]["kind"] == "image"
    assert [c["text"] for c in data["comments"]] == ["¡Hola!"]
    assert len(data["likes"]) == len(data["bookmarks"]) == 1
    assert data["following"] == [
        {"user": str(other_student.pk), "since": data["following"][0]["since"]}
    ]
    assert len(data["followers"]) == 1
    assert [r["category"] for r in data["reports_made"]] == ["spam"]
    assert [a["text"] for a in data["appeals"]] == ["I was kind"]
    assert "Hola a todos" not in str(data)  # never another person's content

    media = MomentMedia.objects.get()
    storage, name = media.file.storage, media.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(student)
    assert not Moment.objects.filter(author=student).exists()
    assert not storage.exists(name)
    assert not Comment.objects.filter(author=student).exists()
    assert not Like.objects.filter(user=student).exists()
    assert not Follow.objects.filter(follower=student).exists()
    assert not Follow.objects.filter(followee=student).exists()
    assert not Appeal.objects.exists()
    kept = Report.objects.get(moment_id=theirs)
    assert kept.reporter is None  # the moderators' record stays, anonymised
    assert Report.objects.get(reported_user=student).snapshot == ""
    assert not timelines.exists(student.pk)


def test_demo_feed_is_idempotent_and_lively(client_for: Any) -> None:
    from django.contrib.auth import get_user_model

    from accounts.demo import DEMO_STEPS as accounts_steps
    from social.demo import DEMO_STEPS as social_steps

    steps = [*accounts_steps, *social_steps]
    first = [step() for step in steps]
    second = [step() for step in steps]
    assert any("(7 new)" in line for line in first), first
    assert any("(0 new)" in line for line in second), second
    student = get_user_model().objects.get(email="student@toto.localhost")
    feed = client_for(student).get("/api/v1/social/feed/").json()["results"]
    assert {m["language"] for m in feed} == {"es", "en"}
    assert len(feed) == 8 and all(m["status"] == "published" for m in feed)
    correct_me = [m for m in feed if m["correct_me"]]
    assert len(correct_me) == 1
    corrections = client_for(student).get(
        f"/api/v1/social/moments/{correct_me[0]['id']}/corrections/"
    )
    assert [c["origin"] for c in corrections.json()["results"]] == ["person"]
    assert sum(m["like_count"] for m in feed) == 12
    assert Comment.objects.count() == 4
