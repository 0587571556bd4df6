"""The person's social data: export and erasure on account deletion (contract in
accounts.selectors.export_personal_data and accounts.services.delete_account).

Erasure deletes their moments (and the files), comments, likes, bookmarks, follows both
ways, appeals and social settings. Reports stay as the moderators' safety record (kept on
legitimate interest): reports they made lose the reporter, reports about them lose the
quoted text; the moderation log keeps the decision and its reason."""

from collections import defaultdict
from typing import Any

from django.db import transaction

from accounts.exporting import iso
from accounts.models import User

from .models import (
    Appeal,
    Bookmark,
    Comment,
    Correction,
    Follow,
    Like,
    Moment,
    MomentMedia,
    MomentTopic,
    Report,
    SocialProfile,
)


def export_personal_data(user: User) -> dict[str, Any]:
    profile = SocialProfile.objects.filter(user=user).first()
    # Topics and media in one query each, whether or not there are moments: the export
    # costs a fixed number of queries (11).
    topics: dict[int, list[str]] = defaultdict(list)
    for moment_id, tag in MomentTopic.objects.filter(moment__author=user).values_list(
        "moment_id", "tag"
    ):
        topics[moment_id].append(tag)
    media: dict[int, list[dict[str, str]]] = defaultdict(list)
    for item in MomentMedia.objects.filter(moment__author=user):
        media[item.moment_id].append(
            {"kind": item.kind, "mime": item.mime, "file": item.file.name or ""}
        )
    return {
        "settings": {
            "connections_visibility": profile.connections_visibility if profile else "public"
        },
        "moments": [
            {
                "id": moment.pk,
                "text": moment.text,
                "language": moment.language,
                "visibility": moment.visibility,
                "status": moment.status,
                "topics": topics.get(moment.pk, []),
                "media": media.get(moment.pk, []),
                "created_at": iso(moment.created_at),
                "edited_at": iso(moment.edited_at),
            }
            for moment in Moment.objects.filter(author=user)
        ],
        "comments": [
            {
                "moment": comment.moment_id,
                "reply_to": comment.parent_id,
                "text": comment.text,
                "created_at": iso(comment.created_at),
            }
            for comment in Comment.objects.filter(author=user)
        ],
        "corrections_suggested": [
            {
                "moment": correction.moment_id,
                "source": correction.source,
                "text": correction.text,
                "note": correction.note,
                "accepted": correction.accepted_at is not None,
                "created_at": iso(correction.created_at),
            }
            for correction in Correction.objects.filter(author=user)
        ],
        "likes": [
            {"moment": like.moment_id, "created_at": iso(like.created_at)}
            for like in Like.objects.filter(user=user)
        ],
        "bookmarks": [
            {"moment": bookmark.moment_id, "created_at": iso(bookmark.created_at)}
            for bookmark in Bookmark.objects.filter(user=user)
        ],
        "following": [
            {"user": str(follow.followee_id), "since": iso(follow.created_at)}
            for follow in Follow.objects.filter(follower=user)
        ],
        "followers": [
            {"user": str(follow.follower_id), "since": iso(follow.created_at)}
            for follow in Follow.objects.filter(followee=user)
        ],
        "reports_made": [
            {
                "target": report.target,
                "category": report.category,
                "details": report.details,
                "status": report.status,
                "outcome": report.outcome,
                "created_at": iso(report.created_at),
            }
            for report in Report.objects.filter(reporter=user)
        ],
        "appeals": [
            {
                "action": appeal.action.kind,
                "text": appeal.text,
                "status": appeal.status,
                "decision_reason": appeal.decision_reason,
                "created_at": iso(appeal.created_at),
            }
            for appeal in Appeal.objects.filter(author=user).select_related("action")
        ],
    }


def erase_personal_data(user: User) -> None:
    files = [
        name
        for media in MomentMedia.objects.filter(moment__author=user)
        for name in (media.file.name, media.thumbnail.name)
        if name
    ]
    author_ids = [str(user.pk)]
    moment_ids = list(Moment.objects.filter(author=user).values_list("pk", flat=True))
    Report.objects.filter(reporter=user).update(reporter=None)
    Report.objects.filter(reported_user=user).update(snapshot="", details="")
    Appeal.objects.filter(author=user).delete()
    Comment.objects.filter(author=user).delete()
    Correction.objects.filter(author=user).delete()
    Like.objects.filter(user=user).delete()
    Bookmark.objects.filter(user=user).delete()
    Follow.objects.filter(follower=user).delete()
    followers = list(Follow.objects.filter(followee=user).values_list("follower_id", flat=True))
    Follow.objects.filter(followee=user).delete()
    Moment.objects.filter(author=user).delete()
    SocialProfile.objects.filter(user=user).delete()

    def after_commit() -> None:
        from core.uploads import private_storage

        from . import timelines

        storage = private_storage()
        for name in files:
            storage.delete(name)
        timelines.remove([*author_ids, *followers], moment_ids)
        timelines.drop(user.pk)

    transaction.on_commit(after_commit)
