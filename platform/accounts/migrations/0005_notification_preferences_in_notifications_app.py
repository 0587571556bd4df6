"""Profile.notification_preferences (topic switches nobody read) goes: the notifications
app's NotificationPreference rows are the one source of truth (docs/decisions.md).

Each switch a person had changed from its default becomes explicit rows for the notification
types of that topic on that channel, unless they already chose for that type and channel in
the notifications app (that choice was the one in effect, and stays)."""

from typing import Any

from django.db import migrations

OLD_DEFAULTS = {
    "email_messages": True,
    "email_bookings": True,
    "email_reminders": True,
    "email_news": False,
    "push_messages": True,
    "push_bookings": True,
    "push_reminders": True,
}
TOPIC_TYPES = {
    "messages": ["message.new"],
    "bookings": [
        "tutoring.booking_confirmed",
        "tutoring.booking_cancelled",
        "tutoring.time_request",
        "tutoring.gift",
    ],
    "reminders": ["tutoring.reminder"],
    "news": ["system"],
}


def forwards(apps: Any, schema_editor: Any) -> None:
    Profile = apps.get_model("accounts", "Profile")
    NotificationPreference = apps.get_model("notifications", "NotificationPreference")
    rows = []
    for user_id, switches in Profile.objects.values_list(
        "user_id", "notification_preferences"
    ).iterator():
        chosen = set(
            NotificationPreference.objects.filter(user_id=user_id).values_list("type", "channel")
        )
        for key, enabled in (switches or {}).items():
            if key not in OLD_DEFAULTS or enabled == OLD_DEFAULTS[key]:
                continue
            channel, topic = key.split("_", 1)
            for type_key in TOPIC_TYPES[topic]:
                if (type_key, channel) not in chosen:
                    rows.append(
                        NotificationPreference(
                            user_id=user_id, type=type_key, channel=channel, enabled=bool(enabled)
                        )
                    )
    NotificationPreference.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_moderators_review_certificates"),
        ("notifications", "0003_time_zone_from_profile"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="profile", name="notification_preferences"),
    ]
