"""The social app's notification kinds and their wording, in one table."""

from notifications.types import CHANNELS, IN_APP, PUSH, NotificationType, register

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
