"""The notification preferences every profile carries: one switch per channel and topic.

The notifications app reads these keys; adding a topic means adding a key here (profiles
saved before keep the default until changed).
"""

DEFAULT_NOTIFICATION_PREFERENCES: dict[str, bool] = {
    "email_messages": True,
    "email_bookings": True,
    "email_reminders": True,
    "email_news": False,
    "push_messages": True,
    "push_bookings": True,
    "push_reminders": True,
}
