"""Moments (short posts), their media, likes, comments, bookmarks; follows; and the social
moderation records (reports, graded actions as an audit log, appeals).

Who may see what is decided in ``selectors`` (one place, applied at read time on every
surface), never by these rows alone: blocks live in messaging and apply here both ways.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import private_storage


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    FOLLOWERS = "followers", _("Followers")
    ONLY_ME = "only_me", _("Only me")


class Moment(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        # Held by an automatic check until a moderator decides; the author sees it as held.
        HELD = "held", _("Held for review")
        # Hidden by a moderator: only the author still sees it, marked as hidden.
        HIDDEN = "hidden", _("Hidden")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moments"
    )
    text = models.TextField(_("text"), max_length=2000, blank=True)
    language = models.CharField(_("language"), max_length=16)
    # The author's level in that language when posting ("native" for their own language).
    level = models.CharField(_("level"), max_length=8, blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PUBLISHED)
    held_reason = models.CharField(max_length=200, blank=True)
    sensitive = models.BooleanField(default=False)
    # "Correct me": the author asks others (and, on request, the grammar engine) to suggest
    # corrections of the text.
    correct_me = models.BooleanField(_("correct me"), default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="social_moment_author_new"),
            models.Index(
                fields=["language", "-created_at"],
                name="social_moment_public_lang",
                condition=Q(visibility="public", status="published"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} · {self.text[:40]}"


class MomentMedia(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        AUDIO = "audio", _("Voice clip")
        VIDEO = "video", _("Video")

    moment = models.ForeignKey(Moment, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    # Private storage: a followers-only moment's photo must not be reachable by address.
    # A photo's thumbnail is its small rendition; a video's is its poster frame.
    file = models.FileField(upload_to="social/", storage=private_storage, max_length=200)
    thumbnail = models.FileField(
        upload_to="social/", storage=private_storage, max_length=200, blank=True
    )
    mime = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    size = models.PositiveIntegerField(default=0)
    # A voice clip's transcript, made once on the first request (ML service) and kept.
    transcript = models.TextField(blank=True)
    transcript_language = models.CharField(max_length=16, blank=True)
    transcribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.kind} of moment {self.moment_id}"


class MomentTopic(models.Model):
    """One topic tag of a moment (a row each, so trending topics are one GROUP BY)."""

    moment = models.ForeignKey(Moment, on_delete=models.CASCADE, related_name="topics")
    tag = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["moment", "tag"], name="social_topic_once"),
        ]
        indexes = [models.Index(fields=["tag", "-created_at"], name="social_topic_recent")]

    def __str__(self) -> str:
        return self.tag


class Interest(models.Model):
    """A topic a person likes to talk about, chosen on the interests page (a row each, so
    "chosen together" is one self-join and shared interests one EXISTS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="social_interests"
    )
    tag = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tag"], name="social_interest_once"),
        ]
        indexes = [models.Index(fields=["tag"], name="social_interest_tag")]

    def __str__(self) -> str:
        return self.tag


class Like(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moment_likes"
    )
    moment = models.ForeignKey(Moment, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "moment"], name="social_like_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.moment_id}"


class Bookmark(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moment_bookmarks"
    )
    moment = models.ForeignKey(Moment, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "moment"], name="social_bookmark_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saved {self.moment_id}"


class Comment(models.Model):
    """A comment on a moment, or a reply to one (one level: a reply's parent is never a
    reply; the database refuses a comment that is its own parent)."""

    moment = models.ForeignKey(Moment, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moment_comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    text = models.TextField(max_length=1000)
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["moment", "created_at"], name="social_comment_thread")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="social_comment_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class Correction(models.Model):
    """A suggested correction of a "correct me" moment's text: by another person, or by the
    grammar engine at the author's request. The author may accept one; the moment keeps its
    original text and shows the accepted correction as a diff (the learning is in the diff)."""

    class Source(models.TextChoices):
        PERSON = "person", _("A person")
        AI = "ai", _("Grammar engine")

    moment = models.ForeignKey(Moment, on_delete=models.CASCADE, related_name="corrections")
    # Who suggested it, or who asked the grammar engine (the moment's author).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moment_corrections"
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.PERSON)
    # The whole corrected text; the diff against the moment's text is computed when shown.
    text = models.TextField(max_length=2000)
    note = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One suggestion per person per moment (a second one replaces the first).
            models.UniqueConstraint(
                fields=["moment", "author", "source"], name="social_correction_once"
            ),
            models.UniqueConstraint(
                fields=["moment"],
                condition=Q(accepted_at__isnull=False),
                name="social_correction_one_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"Correction of {self.moment_id}"


class Follow(models.Model):
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following_set"
    )
    followee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower_set"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="social_follow_once"),
            models.CheckConstraint(
                condition=~Q(follower=models.F("followee")), name="social_follow_not_self"
            ),
        ]
        indexes = [models.Index(fields=["followee", "-created_at"], name="social_followers")]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followee_id}"


class SocialProfile(models.Model):
    """A person's social settings and standing. ``limited_at`` is the silent limit
    (shadow-ban): their moments and comments are shown to them only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="social_profile",
    )
    connections_visibility = models.CharField(
        _("who sees my followers and following"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    limited_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.user_id)


class Report(models.Model):
    class Category(models.TextChoices):
        SPAM = "spam", _("Spam")
        HARASSMENT = "harassment", _("Harassment or bullying")
        HATE = "hate", _("Hate speech")
        SEXUAL = "sexual", _("Sexual content")
        VIOLENCE = "violence", _("Violence or threats")
        MISINFORMATION = "misinformation", _("False information")
        IMPERSONATION = "impersonation", _("Impersonation")
        OTHER = "other", _("Something else")
        # Made by the automatic checks for a held moment (no reporter).
        AUTOMATIC = "automatic", _("Automatic check")

    class Target(models.TextChoices):
        MOMENT = "moment", _("Moment")
        COMMENT = "comment", _("Comment")
        PROFILE = "profile", _("Profile")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DECIDED = "decided", _("Decided")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="social_reports_made",
    )
    target = models.CharField(max_length=8, choices=Target.choices)
    reported_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="social_reports_received",
    )
    moment = models.ForeignKey(
        Moment, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    category = models.CharField(max_length=16, choices=Category.choices)
    details = models.TextField(max_length=2000, blank=True)
    # What was reported, as it read then: the item may be edited or deleted afterwards.
    snapshot = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"], name="social_report_queue")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.reported_user}"


class ModerationAction(models.Model):
    """The audit log of every social moderation decision (append-only by convention: the
    services only create rows). Also what an author appeals against."""

    class Kind(models.TextChoices):
        DISMISS = "dismiss", _("Dismiss")
        APPROVE = "approve", _("Approve held moment")
        HIDE = "hide", _("Hide the item")
        SENSITIVE = "sensitive", _("Mark sensitive")
        WARN = "warn", _("Warn the author")
        LIMIT = "limit", _("Limit the author (silent)")
        SUSPEND = "suspend", _("Suspend the account")
        UNLIMIT = "unlimit", _("Lift the limit")
        RESTORE = "restore", _("Restore after appeal")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="social_actions_taken",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="social_actions"
    )
    report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    moment = models.ForeignKey(
        Moment, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    reason = models.TextField()
    appealable_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            (
                "senior_moderation",
                "Can limit and suspend authors, lift limits and decide appeals",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.subject}"


class Appeal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Decision upheld")
        OVERTURNED = "overturned", _("Decision overturned")

    # One appeal per action: the database refuses a second.
    action = models.OneToOneField(ModerationAction, on_delete=models.CASCADE, related_name="appeal")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="social_appeals"
    )
    text = models.TextField(max_length=2000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="social_appeals_decided",
    )
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Appeal of {self.action}"
