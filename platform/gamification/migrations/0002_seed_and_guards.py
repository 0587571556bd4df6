"""Starting rules, levels, tiers, quests, badges and the credit prices of a freeze and a repair
(existing rows left as admins edited them); the hourly beat jobs; and XP entries append-only in
the database too: UPDATE always fails, DELETE only inside an erasure that asked for it
(``SET LOCAL gamification.erasing = 'on'``, see personal_data)."""

from django.db import migrations

from gamification import defaults

CREATE = """
CREATE OR REPLACE FUNCTION gamification_xpentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('gamification.erasing', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'gamification_xpentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER gamification_xpentry_append_only BEFORE UPDATE OR DELETE
    ON gamification_xpentry FOR EACH ROW EXECUTE FUNCTION gamification_xpentry_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS gamification_xpentry_append_only ON gamification_xpentry;
DROP FUNCTION IF EXISTS gamification_xpentry_append_only();
"""

SCHEDULES = [
    ("Gamification: close learners' days", "gamification.close_days", 60),
    ("Gamification: close finished league weeks", "gamification.close_weeks", 60),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    get = apps.get_model
    for rule in defaults.XP_RULES:
        get("gamification", "XPRule").objects.get_or_create(
            reason=rule["reason"], defaults={k: v for k, v in rule.items() if k != "reason"}
        )
    for number, title, xp in defaults.LEVELS:
        get("gamification", "Level").objects.get_or_create(
            number=number, defaults={"title": title, "xp_required": xp}
        )
    for rank, name, promote, demote in defaults.TIERS:
        get("gamification", "LeagueTier").objects.get_or_create(
            rank=rank, defaults={"name": name, "promote_count": promote, "demote_count": demote}
        )
    for slug, title, metric, target, reward in defaults.QUESTS:
        get("gamification", "QuestTemplate").objects.get_or_create(
            slug=slug,
            defaults={"title": title, "metric": metric, "target": target, "reward_xp": reward},
        )
    for order, (slug, name, description, rule, threshold) in enumerate(defaults.BADGES):
        get("gamification", "Badge").objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "rule": rule,
                "threshold": threshold,
                "sort_order": order,
            },
        )
    for feature, label, unit, price in defaults.PRICES:
        get("credits", "FeaturePrice").objects.get_or_create(
            feature=feature, defaults={"label": label, "unit": unit, "credits_per_unit": price}
        )
    IntervalSchedule = get("django_celery_beat", "IntervalSchedule")
    PeriodicTask = get("django_celery_beat", "PeriodicTask")
    for name, task, minutes in SCHEDULES:
        every, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": every})


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[name for name, _, _ in SCHEDULES]
    ).delete()


def create_trigger(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("gamification", "0001_initial"),
        ("credits", "0002_entries_append_only"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
