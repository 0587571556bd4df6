"""Every social write: moments, likes, comments, bookmarks, follows, reports, moderation
decisions and appeals. Views, the admin and the demo call these; nothing else writes.

Side effects leave after commit: the timeline fan-out (Celery), notifications (whose own
delivery is a Celery task) and the activity bus (``core.activity.record``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower, Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import LearningLanguage, Profile, User
from core import activity, dispatch
from messaging.selectors import is_blocked_between

from . import checks, moderation, selectors, timelines
from .errors import (
    AppealNotAllowed,
    CannotFollow,
    CommentNotFound,
    CorrectionNotAllowed,
    CorrectionNotFound,
    EditWindowClosed,
    InvalidDecision,
    InvalidMoment,
    MomentNotFound,
    NotAllowed,
    NotAVoiceClip,
    NothingToCorrect,
    PostingTooFast,
)
from .interests import clean_tag
from .media import process_image, process_video, process_voice
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
from .notify import (
    APPEAL_DECIDED,
    AUTHOR_TOLD,
    AUTHOR_WORDS,
    COMMENTED,
    CORRECTION_ACCEPTED,
    CORRECTION_SUGGESTED,
    FOLLOWED,
    LIKED,
    MENTIONED,
    REPLIED,
    REPORT_DECIDED,
    appeal_outcome,
    decision_for_author,
    report_outcome,
    tell,
)

# "@Ana", "@AnaGarcia", "@ana.garcia": an @ not inside a word or an email address.
MENTION = re.compile(r"(?<![\w@.])@([^\W_][\w.\-]{0,60})")
NOT_A_NAME_CHARACTER = re.compile(r"[\W_]+")
MENTION_LIMIT = 10
COMMENTS_PER_TEN_MINUTES = 30


# --- moments -------------------------------------------------------------------------------


def clean_topics(topics: Sequence[str]) -> list[str]:
    """Lower-cased, '#'-less, deduplicated in order, at most SOCIAL_MAX_TOPICS of 40 chars."""
    seen: list[str] = []
    for raw in topics:
        tag = clean_tag(raw)
        if tag and tag not in seen:
            seen.append(tag)
    return seen[: settings.SOCIAL_MAX_TOPICS]


def _level_for(author: User, language: str) -> str:
    native = Profile.objects.filter(user=author).values_list("native_language", flat=True).first()
    if native and native == language:
        return "native"
    level = (
        LearningLanguage.objects.filter(profile__user=author, language=language)
        .values_list("level", flat=True)
        .first()
    )
    return level or ""


def _mentionable(author: User, user_ids: Sequence[Any]) -> list[User]:
    ids = list(dict.fromkeys(str(pk) for pk in user_ids))[:MENTION_LIMIT]
    return [
        person for person in selectors.shown_people(author).filter(pk__in=ids) if person != author
    ]


def mention_keys(text: str) -> list[str]:
    """The names written as @mentions, normalised (lower case, letters and digits only)."""
    keys = [NOT_A_NAME_CHARACTER.sub("", match).lower() for match in MENTION.findall(text)]
    return list(dict.fromkeys(key for key in keys if key))[:MENTION_LIMIT]


def _mentioned_by_name(author: User, text: str, moment: Moment | None = None) -> list[Any]:
    """Ids of the people @named in ``text``. There are no user handles: a name matches a
    person's first name or first and last name run together ("@ana", "@AnaGarcia"), among
    the people the author is connected with (follows either way) and, on a comment, the
    moment's thread (its author and commenters). A name two of them share names nobody:
    guessing would notify a stranger. Blocked people are dropped later by ``_mentionable``."""
    keys = mention_keys(text)
    if not keys:
        return []
    circle = Q(follower_set__follower=author) | Q(following_set__followee=author)
    if moment is not None:
        circle |= Q(pk=moment.author_id) | Q(moment_comments__moment=moment)
    squashed = Lower(Replace(Concat("first_name", "last_name"), Value(" "), Value("")))
    rows = (
        User.objects.filter(circle)
        .exclude(pk=author.pk)
        .annotate(first=Lower(Replace("first_name", Value(" "), Value(""))), full=squashed)
        .filter(Q(first__in=keys) | Q(full__in=keys))
        .values_list("pk", "first", "full")
        .distinct()
    )
    by_key: dict[str, set[Any]] = {}
    for pk, first, full in rows:
        for key in {first, full}:
            by_key.setdefault(key, set()).add(pk)
    found: list[Any] = []
    for key in keys:
        matches = by_key.get(key, set())
        if len(matches) == 1:
            found.extend(matches)
    return found


def _fan_out_on_commit(moment_id: int) -> None:
    dispatch.enqueue_on_commit("social.fan_out_moment", moment_id)


def _remove_on_commit(author_id: Any, moment_ids: list[int]) -> None:
    dispatch.enqueue_on_commit("social.remove_from_timelines", str(author_id), moment_ids)


@transaction.atomic
def post_moment(
    author: User,
    *,
    text: str,
    language: str,
    visibility: str = Visibility.PUBLIC,
    images: Sequence[UploadedFile] = (),
    voice: UploadedFile | None = None,
    video: UploadedFile | None = None,
    topics: Sequence[str] = (),
    mentions: Sequence[Any] = (),
    correct_me: bool = False,
) -> Moment:
    text = text.strip()
    if not text and not images and voice is None and video is None:
        raise InvalidMoment(_("Write something, or add photos or a voice clip."))
    if sum((bool(images), voice is not None, video is not None)) > 1:
        raise InvalidMoment(_("A moment has photos, a video or a voice clip: only one of them."))
    if len(images) > settings.SOCIAL_MAX_IMAGES:
        raise InvalidMoment(
            _("A moment may have at most %(n)s photos.") % {"n": settings.SOCIAL_MAX_IMAGES}
        )
    if checks.over_rate_limit(author):
        raise PostingTooFast()
    # Media first: a rejected file refuses the whole moment before anything is written.
    processed_images = [process_image(upload) for upload in images]
    processed_voice = process_voice(voice) if voice is not None else None
    processed_video = process_video(video) if video is not None else None
    mentioned = _mentionable(author, [*mentions, *_mentioned_by_name(author, text)])
    reason = checks.hold_reason(author, text, len(mentioned), language=language)
    moment = Moment.objects.create(
        author=author,
        text=text,
        language=language,
        level=_level_for(author, language),
        visibility=visibility,
        status=Moment.Status.HELD if reason else Moment.Status.PUBLISHED,
        held_reason=reason,
        correct_me=correct_me and bool(text),
    )
    for position, image in enumerate(processed_images):
        MomentMedia.objects.create(
            moment=moment,
            kind=MomentMedia.Kind.IMAGE,
            position=position,
            file=image.file,
            thumbnail=image.thumbnail,
            mime="image/webp",
            width=image.width,
            height=image.height,
            size=image.file.size,
        )
    if processed_voice is not None:
        MomentMedia.objects.create(
            moment=moment,
            kind=MomentMedia.Kind.AUDIO,
            file=processed_voice.file,
            mime=processed_voice.mime,
            duration_seconds=processed_voice.duration_seconds,
            size=processed_voice.file.size,
        )
    if processed_video is not None:
        MomentMedia.objects.create(
            moment=moment,
            kind=MomentMedia.Kind.VIDEO,
            file=processed_video.file,
            thumbnail=processed_video.poster,
            mime=processed_video.mime,
            width=processed_video.width,
            height=processed_video.height,
            duration_seconds=processed_video.duration_seconds,
            size=processed_video.file.size,
        )
    MomentTopic.objects.bulk_create(
        [MomentTopic(moment=moment, tag=tag) for tag in clean_topics(topics)]
    )
    if reason:
        Report.objects.create(
            reporter=None,
            target=Report.Target.MOMENT,
            reported_user=author,
            moment=moment,
            category=Report.Category.AUTOMATIC,
            details=reason,
            snapshot=text,
        )
    else:
        _announce(moment, mentioned)
    # The author sees their own moment at once (as Mastodon does); followers get it from
    # the fan-out task.
    own_entry = [(moment.pk, timelines.score_of(moment.created_at))]
    transaction.on_commit(lambda: timelines.add([author.pk], own_entry))
    _fan_out_on_commit(moment.pk)
    return moment


def post_image_card(
    author: User, *, text: str, image: bytes, visibility: str = Visibility.PUBLIC
) -> Moment:
    """A moment made from an image another app drew for the author (a badge's card): the
    same checks, media processing and fan-out as any moment, in the author's first learning
    language (else their own)."""
    learning, native = selectors.learner_languages(author)
    language = sorted(learning)[0] if learning else (native or settings.LANGUAGE_CODE[:2])
    if visibility not in Visibility.values:
        raise InvalidMoment(_("Choose who may see the moment."))
    upload = SimpleUploadedFile("card.png", image, content_type="image/png")
    return post_moment(author, text=text, language=language, visibility=visibility, images=[upload])


def _announce(moment: Moment, mentioned: Sequence[User]) -> None:
    """What a published moment sets off: the activity event and mention notifications
    (only to people who may see it)."""
    activity.record(
        moment.author,
        "social.moment_posted",
        obj=moment,
        language=moment.language,
        level=moment.level,
        data={"moment_id": moment.pk},
    )
    for person in mentioned:
        if selectors.visible_moments(person).filter(pk=moment.pk).exists():
            tell(
                person,
                MENTIONED,
                text=moment.text[:140],
                data={"moment_id": moment.pk},
                name=moment.author.get_full_name(),
                moment=moment.pk,
            )


def own_moment(author: User, moment_id: Any) -> Moment:
    moment = Moment.objects.filter(pk=moment_id, author=author).first()
    if moment is None:
        raise MomentNotFound()
    return moment


@transaction.atomic
def edit_moment(
    author: User,
    moment_id: Any,
    *,
    text: str | None = None,
    visibility: str | None = None,
    topics: Sequence[str] | None = None,
    correct_me: bool | None = None,
) -> Moment:
    moment = Moment.objects.select_for_update().filter(pk=moment_id, author=author).first()
    if moment is None:
        raise MomentNotFound()
    window = timedelta(minutes=settings.SOCIAL_EDIT_WINDOW_MINUTES)
    if timezone.now() > moment.created_at + window:
        raise EditWindowClosed()
    fields = ["edited_at"]
    if text is not None:
        text = text.strip()
        if not text and not moment.media.exists():
            raise InvalidMoment(_("Write something, or add photos or a voice clip."))
        moment.text = text
        fields.append("text")
        if moment.status == Moment.Status.PUBLISHED and checks.is_profane(text, moment.language):
            moment.status, moment.held_reason = Moment.Status.HELD, "profanity"
            fields += ["status", "held_reason"]
            Report.objects.create(
                target=Report.Target.MOMENT,
                reported_user=author,
                moment=moment,
                category=Report.Category.AUTOMATIC,
                details="profanity (edited)",
                snapshot=text,
            )
    if visibility is not None and visibility != moment.visibility:
        moment.visibility = visibility
        fields.append("visibility")
    if correct_me is not None:
        moment.correct_me = correct_me
        fields.append("correct_me")
    if topics is not None:
        moment.topics.all().delete()
        MomentTopic.objects.bulk_create(
            [MomentTopic(moment=moment, tag=tag) for tag in clean_topics(topics)]
        )
    moment.edited_at = timezone.now()
    moment.save(update_fields=fields)
    if "visibility" in fields or "status" in fields:
        # Narrowed: out of followers' timelines (reads filter it anyway); widened: back in.
        _remove_on_commit(author.pk, [moment.pk])
        _fan_out_on_commit(moment.pk)
    return moment


def _delete_files(media: Sequence[MomentMedia]) -> None:
    for item in media:
        for field in (item.file, item.thumbnail):
            if field and field.name:
                field.storage.delete(field.name)


@transaction.atomic
def delete_moment(user: User, moment_id: Any) -> None:
    moment = own_moment(user, moment_id)
    media = list(moment.media.all())
    moment_pk = moment.pk
    for report in Report.objects.filter(moment=moment, snapshot=""):
        report.snapshot = moment.text
        report.save(update_fields=["snapshot"])
    moment.delete()
    transaction.on_commit(lambda: _delete_files(media))
    _remove_on_commit(user.pk, [moment_pk])


def visible_moment(viewer: User, moment_id: Any) -> Moment:
    moment = selectors.visible_moments(viewer).filter(pk=moment_id).first()
    if moment is None:
        raise MomentNotFound()
    return moment


# --- likes, bookmarks, comments -------------------------------------------------------------


@transaction.atomic
def like(user: User, moment_id: Any) -> bool:
    """Likes the moment; False when it was liked already."""
    moment = visible_moment(user, moment_id)
    _like, created = Like.objects.get_or_create(user=user, moment=moment)
    if created and moment.author_id != user.pk and not selectors.is_limited(user):
        others = (
            selectors.likers_of(moment.author, moment).exclude(pk__in=[user.pk, moment.author_id])
        ).count()
        tell(
            moment.author,
            LIKED,
            text=moment.text[:140],
            data={"moment_id": moment.pk, "user_id": str(user.pk), "others": others},
            group=f"like:moment:{moment.pk}",
            name=user.get_full_name(),
            count=others,
            moment=moment.pk,
        )
    return created


def unlike(user: User, moment_id: Any) -> None:
    Like.objects.filter(user=user, moment_id=moment_id).delete()


def bookmark(user: User, moment_id: Any) -> None:
    moment = visible_moment(user, moment_id)
    Bookmark.objects.get_or_create(user=user, moment=moment)


def unbookmark(user: User, moment_id: Any) -> None:
    Bookmark.objects.filter(user=user, moment_id=moment_id).delete()


@transaction.atomic
def comment(
    user: User,
    moment_id: Any,
    *,
    text: str,
    parent_id: Any = None,
    mentions: Sequence[Any] = (),
) -> Comment:
    """A comment, or a reply to one. Replies are one level deep: replying to a reply
    attaches to the comment it replied to."""
    moment = visible_moment(user, moment_id)
    text = text.strip()
    if not text:
        raise InvalidMoment(_("Write a comment."))
    recent = Comment.objects.filter(
        author=user, created_at__gte=timezone.now() - timedelta(minutes=10)
    )
    if recent.count() >= COMMENTS_PER_TEN_MINUTES:
        raise PostingTooFast()
    parent = None
    if parent_id is not None:
        parent = selectors.visible_comments(user).filter(pk=parent_id, moment=moment).first()
        if parent is None:
            raise CommentNotFound()
        if parent.parent_id is not None:
            parent = parent.parent
    mentioned = _mentionable(user, [*mentions, *_mentioned_by_name(user, text, moment)])
    # The same checks as a moment's (new accounts' links and mentions, repeats, profanity):
    # a flagged comment is hidden from others and reported, never dropped.
    reason = checks.hold_reason(
        user, text, len(mentioned), earlier=Comment, language=moment.language
    )
    new = Comment.objects.create(
        moment=moment, author=user, parent=parent, text=text, hidden=bool(reason)
    )
    if reason:
        Report.objects.create(
            target=Report.Target.COMMENT,
            reported_user=user,
            moment=moment,
            comment=new,
            category=Report.Category.AUTOMATIC,
            details=reason,
            snapshot=text,
        )
        return new
    activity.record(
        user, "social.commented", obj=new, language=moment.language, data={"moment_id": moment.pk}
    )
    if selectors.is_limited(user):
        return new  # silent: nobody else sees it, so nobody is told
    told: set[Any] = {user.pk}
    said: dict[str, Any] = {
        "text": text[:140],
        "data": {"moment_id": moment.pk, "comment_id": new.pk},
        "name": user.get_full_name(),
        "moment": moment.pk,
    }
    if parent is not None and parent.author_id not in told:
        told.add(parent.author_id)
        tell(parent.author, REPLIED, **said)
    if moment.author_id not in told:
        told.add(moment.author_id)
        tell(moment.author, COMMENTED, **said)
    for person in mentioned:
        if person.pk in told or not selectors.visible_moments(person).filter(pk=moment.pk).exists():
            continue
        told.add(person.pk)
        tell(person, MENTIONED, **said)
    return new


def delete_comment(user: User, comment_id: Any) -> None:
    """The comment's author, or the moment's author, may delete it (and its replies)."""
    found = Comment.objects.select_related("moment").filter(pk=comment_id).first()
    if found is None or user.pk not in (found.author_id, found.moment.author_id):
        raise CommentNotFound()
    found.delete()


# --- "correct me" ---------------------------------------------------------------------------


def _correctable(user: User, moment_id: Any) -> Moment:
    moment = visible_moment(user, moment_id)
    if not moment.correct_me or not moment.text:
        raise CorrectionNotAllowed()
    return moment


@transaction.atomic
def suggest_correction(user: User, moment_id: Any, *, text: str, note: str = "") -> Correction:
    """Another person's corrected version of a "correct me" moment. A second suggestion by
    the same person replaces their first (unless the author accepted it)."""
    moment = _correctable(user, moment_id)
    if moment.author_id == user.pk:
        raise NotAllowed(_("Ask the grammar engine to check your own moment."))
    text, note = text.strip(), note.strip()
    if not text or text == moment.text:
        raise InvalidMoment(_("Change something in the text to suggest a correction."))
    if checks.is_profane(text, moment.language) or checks.is_profane(note, moment.language):
        raise InvalidMoment(_("A correction cannot contain offensive words."))
    existing = (
        Correction.objects.select_for_update()
        .filter(moment=moment, author=user, source=Correction.Source.PERSON)
        .first()
    )
    if existing is not None and existing.accepted_at is not None:
        raise CorrectionNotAllowed(_("Your correction was accepted already."))
    correction, _created = Correction.objects.update_or_create(
        moment=moment,
        author=user,
        source=Correction.Source.PERSON,
        defaults={"text": text[:2000], "note": note[:1000], "created_at": timezone.now()},
    )
    if not selectors.is_limited(user):
        tell(
            moment.author,
            CORRECTION_SUGGESTED,
            text=text[:140],
            data={"moment_id": moment.pk, "correction_id": correction.pk},
            name=user.get_full_name(),
            moment=moment.pk,
        )
    return correction


def request_ai_correction(author: User, moment_id: Any) -> Correction:
    """The grammar engine's correction of the author's own "correct me" moment, through the
    metered grammar check (the author pays as for any grammar check; the same text checked
    again is served from its cache). Called outside a transaction: the ML call may take a
    while and must not hold row locks."""
    from ai.feedback import check_grammar

    moment = _correctable(author, moment_id)
    if moment.author_id != author.pk:
        raise NotAllowed()
    result = check_grammar(author, moment.text, moment.language).result
    corrected = str(result.get("corrected_text") or "").strip()
    if not corrected or corrected == moment.text:
        raise NothingToCorrect()
    notes = [
        f"{edit['original']} → {edit['replacement']}: {edit['explanation']}"
        for edit in result.get("edits", [])
        if edit.get("replacement") is not None and edit.get("explanation")
    ]
    with transaction.atomic():
        correction, _created = Correction.objects.update_or_create(
            moment=moment,
            author=author,
            source=Correction.Source.AI,
            defaults={
                "text": corrected[:2000],
                "note": "\n".join(notes)[:1000],
                "created_at": timezone.now(),
                "accepted_at": None,
            },
        )
    return correction


@transaction.atomic
def accept_correction(author: User, correction_id: Any) -> Correction:
    """The moment's author accepts one correction (accepting another moves the mark)."""
    correction = (
        Correction.objects.select_for_update()
        .select_related("moment", "author")
        .filter(pk=correction_id, moment__author=author)
        .first()
    )
    if correction is None:
        raise CorrectionNotFound()
    if correction.accepted_at is not None:
        return correction
    Correction.objects.filter(moment=correction.moment, accepted_at__isnull=False).update(
        accepted_at=None
    )
    correction.accepted_at = timezone.now()
    correction.save(update_fields=["accepted_at"])
    if correction.source == Correction.Source.PERSON and correction.author_id != author.pk:
        tell(
            correction.author,
            CORRECTION_ACCEPTED,
            text=correction.text[:140],
            data={"moment_id": correction.moment_id, "correction_id": correction.pk},
            name=author.get_full_name(),
            moment=correction.moment_id,
        )
    return correction


def delete_correction(user: User, correction_id: Any) -> None:
    """Its suggester, or the moment's author, may delete a correction."""
    deleted, _count = (
        Correction.objects.filter(pk=correction_id)
        .filter(Q(author=user) | Q(moment__author=user))
        .delete()
    )
    if not deleted:
        raise CorrectionNotFound()


# --- voice clips: transcript and translation on demand -----------------------------------


def transcribe_clip(viewer: User, media_id: Any) -> MomentMedia:
    """A voice clip's transcript, made by the ML service on the first request and kept on
    the clip, so every later reader gets it without another ML call. Free for the reader:
    clips are short (SOCIAL_MAX_VOICE_SECONDS) and each is transcribed once."""
    from ai import client

    media = (
        MomentMedia.objects.select_related("moment")
        .filter(
            pk=media_id,
            kind=MomentMedia.Kind.AUDIO,
            moment__in=selectors.visible_moments(viewer).values("pk"),
        )
        .first()
    )
    if media is None:
        raise NotAVoiceClip()
    if media.transcribed_at is not None:
        return media
    with media.file.open("rb") as handle:
        audio = handle.read()
    filename = (media.file.name or "clip").rsplit("/", 1)[-1]
    heard = client.transcribe(audio, filename, media.moment.language)
    MomentMedia.objects.filter(pk=media.pk, transcribed_at__isnull=True).update(
        transcript=heard.text[:5000],
        transcript_language=(heard.language or media.moment.language)[:16],
        transcribed_at=timezone.now(),
    )
    media.refresh_from_db(fields=["transcript", "transcript_language", "transcribed_at"])
    return media


def translate_clip(viewer: User, media_id: Any, target: str) -> dict[str, str]:
    """The clip's transcript translated into ``target`` by the ML service (cached a day per
    clip and language)."""
    from django.core.cache import cache

    from ai import client

    media = transcribe_clip(viewer, media_id)
    source = media.transcript_language or media.moment.language
    if not media.transcript:
        return {"language": target, "text": ""}
    if source.split("-")[0] == target.split("-")[0]:
        return {"language": target, "text": media.transcript}
    key = f"social:clip:{media.pk}:{target}"
    text = cache.get(key)
    if text is None:
        answer = client.translate([media.transcript], source, target)
        text = str(answer["translatedText"][0])
        cache.set(key, text, 24 * 60 * 60)
    return {"language": target, "text": text}


# --- sharing into a chat ---------------------------------------------------------------------


def share_to_chat(
    user: User, moment_id: Any, conversation_id: Any, *, note: str = "", client_id: str = ""
) -> Any:
    """Sends a link to the moment, with an optional note, into one of the user's chats
    through messaging's one send path (its participant, block and verification checks
    apply). The link is enough: each reader's own visibility rules decide what they see."""
    from messaging.services import send_message

    moment = visible_moment(user, moment_id)
    link = f"/social/moments/{moment.pk}/"
    body = "\n".join(part for part in (note.strip()[:500], link) if part)
    return send_message(
        user,
        conversation_id,
        client_id=(client_id or f"share-{moment.pk}-{timezone.now().timestamp()}")[:64],
        body=body,
    ).message


# --- follows ------------------------------------------------------------------------------


@transaction.atomic
def follow(follower: User, followee_id: Any) -> Follow:
    followee = selectors.person_for(follower, followee_id)
    if followee is None:
        raise CannotFollow()
    if followee.pk == follower.pk or is_blocked_between(follower, followee):
        raise CannotFollow()
    existing = Follow.objects.filter(follower=follower, followee=followee).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            made = Follow.objects.create(follower=follower, followee=followee)
    except IntegrityError:  # a concurrent request made it first
        return Follow.objects.get(follower=follower, followee=followee)
    activity.record(follower, "social.followed", obj=made, data={"followee_id": str(followee.pk)})
    if not selectors.is_limited(follower):
        tell(
            followee,
            FOLLOWED,
            data={"user_id": str(follower.pk)},
            name=follower.get_full_name(),
            follower=follower.pk,
        )
    dispatch.enqueue_on_commit("social.merge_author", str(follower.pk), str(followee.pk))
    return made


@transaction.atomic
def unfollow(follower: User, followee_id: Any) -> None:
    deleted, _count = Follow.objects.filter(follower=follower, followee_id=followee_id).delete()
    if deleted:
        dispatch.enqueue_on_commit("social.unmerge_author", str(follower.pk), str(followee_id))


def set_connections_visibility(user: User, visibility: str) -> SocialProfile:
    profile, _created = SocialProfile.objects.update_or_create(
        user=user, defaults={"connections_visibility": visibility}
    )
    return profile


MAX_INTERESTS = 10


@transaction.atomic
def set_interests(user: User, tags: Sequence[str]) -> list[str]:
    """Replaces the person's interests with ``tags`` (cleaned, deduplicated, at most
    MAX_INTERESTS); they feed the suggestions of others and "people to follow"."""
    cleaned: list[str] = []
    for raw in tags:
        tag = clean_tag(raw)
        if tag and tag not in cleaned:
            cleaned.append(tag)
    cleaned = cleaned[:MAX_INTERESTS]
    Interest.objects.filter(user=user).exclude(tag__in=cleaned).delete()
    kept = set(Interest.objects.filter(user=user).values_list("tag", flat=True))
    Interest.objects.bulk_create(
        [Interest(user=user, tag=tag) for tag in cleaned if tag not in kept],
        ignore_conflicts=True,
    )
    return cleaned


# --- reports, moderation, appeals ---------------------------------------------------------


@transaction.atomic
def report(
    reporter: User,
    *,
    target: str,
    target_id: Any,
    category: str,
    details: str = "",
) -> Report:
    """A report on something the reporter can see. A second open report by the same person
    on the same item returns the first."""
    moment = comment_obj = None
    if target == Report.Target.MOMENT:
        moment = visible_moment(reporter, target_id)
        reported, snapshot = moment.author, moment.text
    elif target == Report.Target.COMMENT:
        comment_obj = selectors.visible_comments(reporter).filter(pk=target_id).first()
        if (
            comment_obj is None
            or not selectors.visible_moments(reporter).filter(pk=comment_obj.moment_id).exists()
        ):
            raise CommentNotFound()
        moment, reported, snapshot = comment_obj.moment, comment_obj.author, comment_obj.text
    else:
        person = selectors.person_for(reporter, target_id)
        if person is None:
            raise NotAllowed()
        reported, snapshot = person, ""
    if reported.pk == reporter.pk:
        raise NotAllowed(_("You cannot report yourself."))
    existing = Report.objects.filter(
        reporter=reporter,
        target=target,
        reported_user=reported,
        moment=moment if target != Report.Target.PROFILE else None,
        comment=comment_obj,
        status=Report.Status.OPEN,
    ).first()
    if existing is not None:
        return existing
    return Report.objects.create(
        reporter=reporter,
        target=target,
        reported_user=reported,
        moment=moment if target != Report.Target.PROFILE else None,
        comment=comment_obj,
        category=category,
        details=details.strip()[:2000],
        snapshot=snapshot,
    )


def _set_limited(user: User, limited: bool) -> None:
    SocialProfile.objects.update_or_create(
        user=user, defaults={"limited_at": timezone.now() if limited else None}
    )


@transaction.atomic
def decide_report(
    report_obj: Report, *, moderator: User, kind: str, reason: str
) -> ModerationAction:
    """A moderator's graded decision on a report, with a required reason. Every open report
    on the same item closes with it; reporters are told the outcome; the author is told
    (except for a silent limit) and may appeal once within SOCIAL_APPEAL_WINDOW_DAYS."""
    reason = reason.strip()
    if not reason:
        raise InvalidDecision(_("A reason is required."))
    report_obj = Report.objects.select_for_update().get(pk=report_obj.pk)
    if report_obj.status != Report.Status.OPEN:
        raise InvalidDecision(_("This report is already decided."))
    Kind = ModerationAction.Kind
    moment = report_obj.moment
    comment_obj = report_obj.comment
    subject = report_obj.reported_user
    if kind == Kind.DISMISS and moment is not None and moment.status == Moment.Status.HELD:
        kind = Kind.APPROVE
    if kind in (Kind.HIDE, Kind.SENSITIVE) and moment is None and comment_obj is None:
        raise InvalidDecision(_("There is no post or comment to act on."))
    if kind == Kind.SENSITIVE and comment_obj is not None and report_obj.target == "comment":
        raise InvalidDecision(_("Only moments can be marked sensitive."))
    if kind not in Kind.values or kind in (Kind.UNLIMIT, Kind.RESTORE):
        raise InvalidDecision()
    moderation.require(moderator, kind)

    if kind == Kind.APPROVE and moment is not None:
        moment.status, moment.held_reason = Moment.Status.PUBLISHED, ""
        moment.save(update_fields=["status", "held_reason"])
        _announce(moment, [])
        _fan_out_on_commit(moment.pk)
    elif kind == Kind.DISMISS and comment_obj is not None and comment_obj.hidden:
        if report_obj.category == Report.Category.AUTOMATIC:
            comment_obj.hidden = False
            comment_obj.save(update_fields=["hidden"])
    elif kind == Kind.HIDE:
        if report_obj.target == Report.Target.COMMENT and comment_obj is not None:
            comment_obj.hidden = True
            comment_obj.save(update_fields=["hidden"])
        elif moment is not None:
            moment.status = Moment.Status.HIDDEN
            moment.save(update_fields=["status"])
            _remove_on_commit(moment.author_id, [moment.pk])
    elif kind == Kind.SENSITIVE and moment is not None:
        moment.sensitive = True
        moment.save(update_fields=["sensitive"])
    elif kind == Kind.LIMIT:
        _set_limited(subject, True)
    elif kind == Kind.SUSPEND:
        from accounts.services import suspend_user

        suspend_user(subject, by=moderator, reason=reason)

    notified = kind in AUTHOR_WORDS
    # A suspended person cannot sign in to the appeals page: the decision is not appealable
    # here, and the email that tells them so says how to contest it (see docs/decisions.md).
    appealable = notified and kind != Kind.SUSPEND
    action = ModerationAction.objects.create(
        kind=kind,
        moderator=moderator,
        subject=subject,
        report=report_obj,
        moment=moment,
        comment=comment_obj,
        reason=reason,
        appealable_until=timezone.now() + timedelta(days=settings.SOCIAL_APPEAL_WINDOW_DAYS)
        if appealable
        else None,
    )
    if kind == Kind.SUSPEND and subject.email:
        _email_suspension(subject, reason)
    same_item = Report.objects.select_for_update().filter(
        status=Report.Status.OPEN,
        reported_user=subject,
        target=report_obj.target,
        moment=moment,
        comment=comment_obj,
    )
    now = timezone.now()
    reporters = []
    for closing in same_item:
        closing.status, closing.outcome, closing.decided_at = Report.Status.DECIDED, kind, now
        closing.save(update_fields=["status", "outcome", "decided_at"])
        if closing.reporter is not None:
            reporters.append(closing.reporter)
    for reporter in {r.pk: r for r in reporters}.values():
        tell(reporter, REPORT_DECIDED, text=report_outcome(kind), data={"report_outcome": kind})
    if appealable and subject.is_active:  # a suspended person is told by email instead
        tell(
            subject,
            AUTHOR_TOLD,
            text=decision_for_author(kind, reason),
            data={
                "action_id": action.pk,
                "appealable_until": action.appealable_until.isoformat()
                if action.appealable_until
                else None,
            },
        )
    return action


def _email_suspension(subject: User, reason: str) -> None:
    """The suspension notice, by email (the account can no longer sign in to read a
    notification): the reason, and that it cannot be appealed on the site."""
    from django.utils import translation

    language = getattr(getattr(subject, "profile", None), "interface_language", "") or None
    with translation.override(language):
        body = "\n\n".join(
            [
                _("Your Toto account was suspended by a moderator."),
                f"{_('Reason')}: {reason}",
                _(
                    "A suspension cannot be appealed on the website, because a suspended "
                    "account cannot sign in. To contest it, write to the team that runs "
                    "this site."
                ),
            ]
        )
        subject_line = _("Your Toto account was suspended")
    dispatch.enqueue_on_commit(
        "accounts.send_email_message",
        subject=subject_line,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subject.email],
    )


def lift_limit(user: User, *, moderator: User, reason: str) -> ModerationAction:
    if not reason.strip():
        raise InvalidDecision(_("A reason is required."))
    moderation.require_senior(moderator, moderation.LIFT_LIMIT)
    with transaction.atomic():
        _set_limited(user, False)
        action = ModerationAction.objects.create(
            kind=ModerationAction.Kind.UNLIMIT, moderator=moderator, subject=user, reason=reason
        )
    dispatch.enqueue_on_commit("social.refan_author", str(user.pk))
    return action


@transaction.atomic
def appeal(author: User, action_id: Any, text: str) -> Appeal:
    """One appeal per decision, by the person it was about, within the window."""
    text = text.strip()
    if not text:
        raise InvalidMoment(_("Say why the decision should change."))
    action = (
        ModerationAction.objects.select_for_update().filter(pk=action_id, subject=author).first()
    )
    if (
        action is None
        or action.appealable_until is None
        or timezone.now() > action.appealable_until
    ):
        raise AppealNotAllowed()
    if Appeal.objects.filter(action=action).exists():
        raise AppealNotAllowed()
    try:
        with transaction.atomic():
            return Appeal.objects.create(action=action, author=author, text=text[:2000])
    except IntegrityError as exc:
        raise AppealNotAllowed() from exc


@transaction.atomic
def decide_appeal(appeal_obj: Appeal, *, moderator: User, overturn: bool, reason: str) -> Appeal:
    reason = reason.strip()
    if not reason:
        raise InvalidDecision(_("A reason is required."))
    moderation.require_senior(moderator, moderation.DECIDE_APPEALS)
    appeal_obj = Appeal.objects.select_for_update().select_related("action").get(pk=appeal_obj.pk)
    if appeal_obj.status != Appeal.Status.OPEN:
        raise InvalidDecision(_("This appeal is already decided."))
    action = appeal_obj.action
    Kind = ModerationAction.Kind
    if overturn:
        if action.kind == Kind.HIDE:
            if action.comment_id and action.report and action.report.target == "comment":
                Comment.objects.filter(pk=action.comment_id).update(hidden=False)
            elif action.moment_id:
                Moment.objects.filter(pk=action.moment_id).update(status=Moment.Status.PUBLISHED)
                _fan_out_on_commit(action.moment_id)
        elif action.kind == Kind.SENSITIVE and action.moment_id:
            Moment.objects.filter(pk=action.moment_id).update(sensitive=False)
        elif action.kind == Kind.SUSPEND:
            from accounts.services import reactivate_user

            reactivate_user(action.subject, by=moderator, reason=reason)
        ModerationAction.objects.create(
            kind=Kind.RESTORE,
            moderator=moderator,
            subject=action.subject,
            moment_id=action.moment_id,
            comment_id=action.comment_id,
            reason=reason,
        )
    appeal_obj.status = Appeal.Status.OVERTURNED if overturn else Appeal.Status.UPHELD
    appeal_obj.decided_by = moderator
    appeal_obj.decision_reason = reason
    appeal_obj.decided_at = timezone.now()
    appeal_obj.save(update_fields=["status", "decided_by", "decision_reason", "decided_at"])
    tell(
        appeal_obj.author,
        APPEAL_DECIDED,
        text=appeal_outcome(overturn, reason),
        data={"appeal_id": appeal_obj.pk, "status": appeal_obj.status},
    )
    return appeal_obj
