"""What the social app tells people: its notification kinds and every message's words, in
one table.

Titles and bodies are gettext message ids with ``%(field)s`` placeholders: they are
translated when sent (in the language of the request or task that sends them), then filled
from the named fields; urls are ``str.format`` templates filled from the same fields. A
wording without a body sends the text it is given (the first 140 characters of the moment,
comment or correction it is about)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, gettext_noop, ngettext

from notifications.services import notify
from notifications.types import CHANNELS, IN_APP, PUSH, NotificationType, register

from .models import ModerationAction

TYPES = [
    NotificationType("social.follow", "New follower", frozenset({IN_APP, PUSH})),
    NotificationType("social.like", "Likes on your moments", frozenset({IN_APP})),
    NotificationType("social.comment", "Comments and replies", frozenset({IN_APP, PUSH})),
    NotificationType("social.mention", "Mentions", frozenset({IN_APP, PUSH})),
    NotificationType("social.correction", "Corrections of your moments", frozenset({IN_APP})),
    NotificationType("social.moderation", "Moderation decisions", frozenset(CHANNELS)),
]


def register_types() -> None:
    for notification_type in TYPES:
        register(notification_type)


def _liked_with_others(count: int) -> str:
    return ngettext(
        "%(name)s and %(count)d other liked your moment",
        "%(name)s and %(count)d others liked your moment",
        count,
    )


@dataclass(frozen=True)
class Wording:
    kind: str
    title: str  # a message id
    url: str
    body: str = ""  # a message id; "" sends the text given to ``tell``
    # The title when ``count`` is not zero, in the plural form for that count.
    counted_title: Callable[[int], str] | None = None


MOMENT = "/social/moments/{moment}/"
# Fields: name (who acted), moment, count (others who liked it too), follower.
MENTIONED = Wording("social.mention", gettext_noop("%(name)s mentioned you"), MOMENT)
LIKED = Wording(
    "social.like",
    gettext_noop("%(name)s liked your moment"),
    MOMENT,
    counted_title=_liked_with_others,
)
REPLIED = Wording("social.comment", gettext_noop("%(name)s replied to your comment"), MOMENT)
COMMENTED = Wording("social.comment", gettext_noop("%(name)s commented on your moment"), MOMENT)
CORRECTION_SUGGESTED = Wording(
    "social.correction", gettext_noop("%(name)s suggested a correction"), MOMENT
)
CORRECTION_ACCEPTED = Wording(
    "social.correction", gettext_noop("%(name)s accepted your correction"), MOMENT
)
FOLLOWED = Wording(
    "social.follow", gettext_noop("%(name)s started following you"), "/social/people/{follower}/"
)
# Moderation: the body is the text report_outcome, decision_for_author or appeal_outcome makes.
REPORT_DECIDED = Wording("social.moderation", gettext_noop("About your report"), "/social/")
AUTHOR_TOLD = Wording(
    "social.moderation",
    gettext_noop("A moderation decision"),
    "/social/appeals/",
)
APPEAL_DECIDED = Wording(
    "social.moderation", gettext_noop("Your appeal was decided"), "/social/appeals/"
)

# What a reporter hears, by the action taken.
OUTCOME_WORDS: dict[str, str] = {
    ModerationAction.Kind.DISMISS: gettext_noop(
        "We looked at it and found no breach of the rules."
    ),
    ModerationAction.Kind.APPROVE: gettext_noop(
        "We looked at it and found no breach of the rules."
    ),
    ModerationAction.Kind.HIDE: gettext_noop("We hid the content you reported."),
    ModerationAction.Kind.SENSITIVE: gettext_noop(
        "We marked the content you reported as sensitive."
    ),
    ModerationAction.Kind.WARN: gettext_noop("We warned the author."),
    # A limit is silent to the author, and reporters are told only that action was taken.
    ModerationAction.Kind.LIMIT: gettext_noop("We took action on the account you reported."),
    ModerationAction.Kind.SUSPEND: gettext_noop("We suspended the account you reported."),
}
# What the author hears, by the action taken; the actions missing here are not told.
AUTHOR_WORDS: dict[str, str] = {
    ModerationAction.Kind.HIDE: gettext_noop("One of your posts was hidden by a moderator."),
    ModerationAction.Kind.SENSITIVE: gettext_noop("One of your moments was marked sensitive."),
    ModerationAction.Kind.WARN: gettext_noop("A moderator warned you about your posts."),
    ModerationAction.Kind.SUSPEND: gettext_noop("Your account was suspended."),
}


def report_outcome(kind: str) -> str:
    return gettext(OUTCOME_WORDS[kind])


def decision_for_author(kind: str, reason: str) -> str:
    return f"{gettext(AUTHOR_WORDS[kind])} {gettext('Reason')}: {reason}"


def appeal_outcome(overturned: bool, reason: str) -> str:
    decision = (
        gettext("The decision was reversed.") if overturned else gettext("The decision stands.")
    )
    return f"{decision} {reason}"


def tell(
    user: Any,
    wording: Wording,
    *,
    text: str = "",
    data: dict[str, Any] | None = None,
    group: str = "",
    **fields: Any,
) -> None:
    """Sends ``wording`` to ``user``: its title and body translated and filled from
    ``fields``, its body ``text`` when it has none."""
    count = fields.get("count")
    if wording.counted_title is not None and count:
        title = wording.counted_title(count) % fields
    else:
        title = gettext(wording.title) % fields
    body = gettext(wording.body) % fields if wording.body else text
    notify(
        user, wording.kind, title, body, data or {}, url=wording.url.format(**fields), group=group
    )
