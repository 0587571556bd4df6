"""Who sees what, in one place. Every social surface (feed, discover, a profile, a moment,
its comments and likes, follower lists) starts from these querysets.

The rules, applied at read time so that a stale Redis timeline never shows too much:
- a block (messaging's one ``Block``) either way hides the other person everywhere;
- a limited author (silent shadow-ban) is seen by themselves only;
- held and hidden moments are seen by their author only;
- suspended and deleted accounts' moments are seen by nobody;
- visibility: public to every signed-in person, followers to followers, only me to the author.
"""

from __future__ import annotations

import difflib
import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import LearningLanguage, Profile, User
from messaging.models import Block

from .models import (
    Appeal,
    Bookmark,
    Comment,
    Correction,
    Follow,
    Interest,
    Like,
    ModerationAction,
    Moment,
    MomentMedia,
    MomentTopic,
    Report,
    SocialProfile,
    Visibility,
)


def _blocked_with(viewer: Any, field: str) -> Exists:
    """A block either way between ``viewer`` and the user in ``field`` of the outer row."""
    return Exists(
        Block.objects.filter(
            Q(blocker=viewer, blocked=OuterRef(field)) | Q(blocked=viewer, blocker=OuterRef(field))
        )
    )


def _shown_person(prefix: str = "") -> Q:
    """An account others may see: active (not suspended) and not deleted, not limited."""
    return Q(
        **{
            f"{prefix}is_active": True,
            f"{prefix}deleted_at__isnull": True,
            f"{prefix}social_profile__limited_at__isnull": True,
        }
    )


def visible_moments(viewer: User) -> QuerySet[Moment]:
    follows_author = Exists(Follow.objects.filter(follower=viewer, followee=OuterRef("author")))
    others = (
        Q(status=Moment.Status.PUBLISHED)
        & _shown_person("author__")
        & (Q(visibility=Visibility.PUBLIC) | (Q(visibility=Visibility.FOLLOWERS) & follows_author))
    )
    return Moment.objects.filter(Q(author=viewer) | others).filter(~_blocked_with(viewer, "author"))


def visible_comments(viewer: User) -> QuerySet[Comment]:
    others = Q(hidden=False) & _shown_person("author__")
    return Comment.objects.filter(Q(author=viewer) | others).filter(
        ~_blocked_with(viewer, "author")
    )


def _seen_by(viewer: Any, field: str) -> Q:
    """Rows by the person in ``field`` that ``viewer`` may see: their own, or those of an
    account others may see with no block either way (a limited person's likes and comments
    count for themselves only, so a count never gives a shadow-ban away)."""
    shown = _shown_person(f"{field}__")
    return (Q(**{field: viewer}) | shown) & ~Q(_blocked_with(viewer, field))


def _counted(rows_of_moments: QuerySet[Any]) -> Coalesce:
    """How many of ``rows_of_moments`` (likes or comments) each outer moment has."""
    rows = (
        rows_of_moments.filter(moment=OuterRef("pk"))
        .order_by()
        .values("moment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_details(moments: QuerySet[Moment], viewer: User) -> QuerySet[Moment]:
    """Everything a moment card shows, in three queries whatever the page size (moments with
    author and counts, their media, their topics)."""
    return (
        moments.select_related("author", "author__profile")
        .annotate(
            like_count=_counted(Like.objects.filter(_seen_by(viewer, "user"))),
            comment_count=_counted(visible_comments(viewer)),
            liked=Exists(Like.objects.filter(moment=OuterRef("pk"), user=viewer)),
            bookmarked=Exists(Bookmark.objects.filter(moment=OuterRef("pk"), user=viewer)),
        )
        .prefetch_related(
            Prefetch("media", queryset=MomentMedia.objects.order_by("position", "id")),
            Prefetch("topics", queryset=MomentTopic.objects.order_by("tag")),
        )
    )


def edit_deadline(moment: Moment) -> Any:
    """Until when the author may still edit the moment (the edit window)."""
    return moment.created_at + timedelta(minutes=settings.SOCIAL_EDIT_WINDOW_MINUTES)


def can_edit(viewer: Any, moment: Moment) -> bool:
    return moment.author_id == viewer.pk and timezone.now() <= edit_deadline(moment)


def moment_for(viewer: User, moment_id: Any) -> Moment | None:
    try:
        return with_details(visible_moments(viewer), viewer).get(pk=int(moment_id))
    except (Moment.DoesNotExist, ValueError, TypeError):
        return None


def home_sources(viewer: User) -> QuerySet[Moment]:
    """The database truth of a home feed: the viewer's own moments and those of people they
    follow, as the viewer may see them."""
    followed = Follow.objects.filter(follower=viewer).values("followee")
    return visible_moments(viewer).filter(Q(author=viewer) | Q(author__in=followed))


def moments_of(viewer: User, author: User) -> QuerySet[Moment]:
    return with_details(visible_moments(viewer).filter(author=author), viewer)


def learner_languages(user: User) -> tuple[set[str], str]:
    learning = set(
        LearningLanguage.objects.filter(profile__user=user).values_list("language", flat=True)
    )
    native = Profile.objects.filter(user=user).values_list("native_language", flat=True).first()
    return learning, native or ""


def discover(
    viewer: User,
    *,
    language: str = "",
    level: str = "",
    topic: str = "",
) -> QuerySet[Moment]:
    """Public moments of others, in the languages the viewer learns or speaks unless one is
    asked for, optionally at one level and with one topic."""
    moments = visible_moments(viewer).filter(visibility=Visibility.PUBLIC).exclude(author=viewer)
    if language:
        moments = moments.filter(language=language)
    else:
        learning, native = learner_languages(viewer)
        languages = learning | ({native} if native else set())
        if languages:
            moments = moments.filter(language__in=languages)
    if level:
        moments = moments.filter(level=level)
    if topic:
        moments = moments.filter(topics__tag=topic.lower())
    return with_details(moments, viewer).order_by("-created_at", "-id")


def trending_topics(viewer: User, *, days: int = 7, limit: int = 10) -> list[dict[str, Any]]:
    since = timezone.now() - timedelta(days=days)
    public = visible_moments(viewer).filter(visibility=Visibility.PUBLIC, created_at__gte=since)
    rows = (
        MomentTopic.objects.filter(moment__in=public)
        .values("tag")
        .annotate(count=Count("moment", distinct=True))
        .order_by("-count", "tag")[:limit]
    )
    return [{"tag": row["tag"], "count": row["count"]} for row in rows]


def shown_people(viewer: User) -> QuerySet[User]:
    """People the viewer may see on social surfaces (themselves included)."""
    return User.objects.filter(Q(pk=viewer.pk) | _shown_person()).filter(
        ~_blocked_with(viewer, "pk")
    )


def person_for(viewer: User, user_id: Any) -> User | None:
    try:
        return shown_people(viewer).select_related("profile").get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError, Exception):  # a malformed UUID
        return None


def connections_visibility(user: User) -> str:
    value = (
        SocialProfile.objects.filter(user=user)
        .values_list("connections_visibility", flat=True)
        .first()
    )
    return value or Visibility.PUBLIC


def is_following(follower: Any, followee: Any) -> bool:
    return Follow.objects.filter(follower=follower, followee=followee).exists()


def can_see_connections(viewer: User, person: User) -> bool:
    if viewer.pk == person.pk:
        return True
    setting = connections_visibility(person)
    if setting == Visibility.PUBLIC:
        return True
    if setting == Visibility.FOLLOWERS:
        return is_following(viewer, person)
    return False


def _with_follow_flags(people: QuerySet[User], viewer: User) -> QuerySet[User]:
    return people.select_related("profile").annotate(
        followed_by_me=Exists(Follow.objects.filter(follower=viewer, followee=OuterRef("pk")))
    )


def followers_of(viewer: User, person: User) -> QuerySet[User]:
    ids = Follow.objects.filter(followee=person).values("follower")
    latest = Follow.objects.filter(followee=person, follower=OuterRef("pk")).values("created_at")
    return (
        _with_follow_flags(shown_people(viewer).filter(pk__in=ids), viewer)
        .annotate(since=Subquery(latest[:1]))
        .order_by("-since", "pk")
    )


def following_of(viewer: User, person: User) -> QuerySet[User]:
    ids = Follow.objects.filter(follower=person).values("followee")
    latest = Follow.objects.filter(follower=person, followee=OuterRef("pk")).values("created_at")
    return (
        _with_follow_flags(shown_people(viewer).filter(pk__in=ids), viewer)
        .annotate(since=Subquery(latest[:1]))
        .order_by("-since", "pk")
    )


def followed_ids(user: Any) -> list[Any]:
    """Whom ``user`` follows and may still see (no block either way, not suspended, deleted
    or limited): their friends on the gamification friends' leaderboard."""
    followed = Follow.objects.filter(follower=user).values("followee")
    return list(shown_people(user).filter(pk__in=followed).values_list("pk", flat=True))


def follow_counts(person: User) -> tuple[int, int]:
    followers = Follow.objects.filter(followee=person).filter(_shown_person("follower__")).count()
    following = Follow.objects.filter(follower=person).filter(_shown_person("followee__")).count()
    return followers, following


def people_candidates(viewer: User, learning: set[str], native: str) -> QuerySet[Any]:
    """The ids of everyone sharing a language or an interest with the viewer: a UNION of
    three sets, each read from an index (profiles by native language, learning languages by
    language, interests by tag), instead of an OR of EXISTS tested on every account, which
    no index can serve (benchmarks/db/results.md)."""
    parts: list[QuerySet[Any]] = []
    if learning:
        parts.append(
            Profile.objects.filter(native_language__in=learning).values_list("user_id", flat=True)
        )
    languages = learning | ({native} if native else set())
    if languages:
        parts.append(
            LearningLanguage.objects.filter(language__in=languages).values_list(
                "profile__user_id", flat=True
            )
        )
    mine = Interest.objects.filter(user=viewer).values("tag")
    parts.append(Interest.objects.filter(tag__in=mine).values_list("user_id", flat=True))
    first, *rest = parts
    return first.union(*rest) if rest else first


def people_to_follow(viewer: User) -> QuerySet[User]:
    """People sharing a language or an interest with the viewer, best language-exchange
    partners first (their native language is one the viewer learns AND they learn the
    viewer's native language), then people learning the same language, then people sharing
    an interest. Already-followed people are left out. The candidates come from
    ``people_candidates`` (indexed); only they are ranked."""
    learning, native = learner_languages(viewer)
    their_learning = LearningLanguage.objects.filter(profile__user=OuterRef("pk"))
    mine = Interest.objects.filter(user=viewer).values("tag")
    shares_interest = Exists(Interest.objects.filter(user=OuterRef("pk"), tag__in=mine))
    followed = Follow.objects.filter(follower=viewer).values("followee")
    candidates = people_candidates(viewer, learning, native)
    exchange: Any = Value(False)
    if learning and native:
        exchange = ExpressionWrapper(
            Exists(Profile.objects.filter(user=OuterRef("pk"), native_language__in=learning))
            & Exists(their_learning.filter(language=native)),
            output_field=BooleanField(),
        )
    overlap: Any = (
        Exists(their_learning.filter(language__in=learning)) if learning else Value(False)
    )
    ranks = [
        name
        for name, value in (("exchange", exchange), ("overlap", overlap))
        if not isinstance(value, Value)
    ]
    people = (
        shown_people(viewer)
        .filter(pk__in=candidates)
        .exclude(pk=viewer.pk)
        .exclude(pk__in=followed)
        .annotate(shared_interest=shares_interest, exchange=exchange, overlap=overlap)
        # A constant (nothing to exchange or share) orders nothing and is left out.
        .order_by(
            *[f"-{name}" for name in ranks],
            "-shared_interest",
            "-date_joined",
            "pk",
        )
    )
    return _with_follow_flags(people, viewer)


def comments_of(viewer: User, moment: Moment) -> QuerySet[Comment]:
    """Top-level comments of a moment with their visible replies (two queries)."""
    visible = visible_comments(viewer).select_related("author", "author__profile")
    return (
        visible.filter(moment=moment, parent__isnull=True)
        .prefetch_related(Prefetch("replies", queryset=visible.order_by("created_at", "id")))
        .order_by("created_at", "id")
    )


def likers_of(viewer: User, moment: Moment) -> QuerySet[User]:
    ids = Like.objects.filter(moment=moment).values("user")
    return _with_follow_flags(shown_people(viewer).filter(pk__in=ids), viewer).order_by(
        "first_name", "pk"
    )


def bookmarks_of(viewer: User) -> QuerySet[Moment]:
    saved = Bookmark.objects.filter(user=viewer).values("moment")
    return with_details(visible_moments(viewer).filter(pk__in=saved), viewer)


def is_limited(user: Any) -> bool:
    return SocialProfile.objects.filter(user=user, limited_at__isnull=False).exists()


def is_new_account(user: User) -> bool:
    return user.date_joined > timezone.now() - timedelta(days=settings.SOCIAL_NEW_ACCOUNT_DAYS)


def limited_people() -> QuerySet[SocialProfile]:
    """Limited (shadow-banned) authors, most recently limited first, with the reason of the
    limit that is in force (one query for any number of rows)."""
    last_limit = ModerationAction.objects.filter(
        subject=OuterRef("user"), kind=ModerationAction.Kind.LIMIT
    ).order_by("-created_at")
    return (
        SocialProfile.objects.filter(limited_at__isnull=False)
        .select_related("user")
        .annotate(limit_reason=Subquery(last_limit.values("reason")[:1]))
        .order_by("-limited_at", "pk")
    )


def reports_of(user: User) -> QuerySet[Report]:
    return Report.objects.filter(reporter=user).order_by("-created_at")


def actions_on(user: User) -> QuerySet[ModerationAction]:
    """Decisions the person was told about (a silent limit is not among them)."""
    return (
        ModerationAction.objects.filter(subject=user)
        .exclude(kind__in=[ModerationAction.Kind.LIMIT, ModerationAction.Kind.DISMISS])
        .select_related("appeal")
        .order_by("-created_at")
    )


def appeals_of(user: User) -> QuerySet[Appeal]:
    return Appeal.objects.filter(author=user).select_related("action").order_by("-created_at")


def report_context(report: Report) -> dict[str, Any]:
    """What a moderator sees beside a report: the thread, the author's earlier reports and
    actions, and the reporter's history."""
    thread: list[Comment] = []
    if report.moment_id:
        thread = list(
            Comment.objects.filter(moment_id=report.moment_id)
            .select_related("author")
            .order_by("created_at")[:50]
        )
    author_reports = (
        Report.objects.filter(reported_user=report.reported_user)
        .exclude(pk=report.pk)
        .order_by("-created_at")[:20]
    )
    author_actions = ModerationAction.objects.filter(subject=report.reported_user).order_by(
        "-created_at"
    )[:20]
    reporter_reports = (
        Report.objects.filter(reporter=report.reporter)
        .exclude(pk=report.pk)
        .order_by("-created_at")[:20]
        if report.reporter_id
        else Report.objects.none()
    )
    return {
        "thread": thread,
        "author_reports": list(author_reports),
        "author_actions": list(author_actions),
        "reporter_reports": list(reporter_reports),
        "reporter_upheld": Report.objects.filter(reporter=report.reporter_id)
        .exclude(outcome__in=["", ModerationAction.Kind.DISMISS])
        .count()
        if report.reporter_id
        else 0,
    }


def corrections_of(viewer: User, moment: Moment) -> QuerySet[Correction]:
    """The corrections of a moment the viewer may see (the same people rules as comments),
    the accepted one first."""
    others = _shown_person("author__")
    return (
        Correction.objects.filter(moment=moment)
        .filter(Q(author=viewer) | others)
        .filter(~_blocked_with(viewer, "author"))
        .select_related("moment", "author", "author__profile")
        .order_by(F("accepted_at").desc(nulls_last=True), "created_at", "id")
    )


TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def word_diff(original: str, corrected: str) -> list[dict[str, str]]:
    """The correction as a word-level diff: runs of ``equal``, ``delete`` (only in the
    original) and ``insert`` (only in the correction) text, in reading order."""
    before, after = TOKENS.findall(original), TOKENS.findall(corrected)
    parts: list[dict[str, str]] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if parts and parts[-1]["op"] == op:
            parts[-1]["text"] += text
        else:
            parts.append({"op": op, "text": text})

    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", "".join(before[i1:i2]))
        else:
            add("delete", "".join(before[i1:i2]))
            add("insert", "".join(after[j1:j2]))
    return parts
