"""Fill FirstActive, CohortWeek and DailyKindTotal once from the rollups already written
(UserDay, UserWeek, DailyMetric); from then on the rollup keeps them
(analytics.services.roll_up_day, _refresh_weeks). One GROUP BY each, in the database."""

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    first = apps.get_model("analytics", "FirstActive")._meta.db_table
    cohort = apps.get_model("analytics", "CohortWeek")._meta.db_table
    user_day = apps.get_model("analytics", "UserDay")._meta.db_table
    user_week = apps.get_model("analytics", "UserWeek")._meta.db_table
    kind_total = apps.get_model("analytics", "DailyKindTotal")._meta.db_table
    metric = apps.get_model("analytics", "DailyMetric")._meta.db_table
    users = apps.get_model("accounts", "User")._meta.db_table
    if connection.vendor == "postgresql":
        joined_day = "(u.date_joined AT TIME ZONE 'UTC')::date"
    else:
        joined_day = "date(u.date_joined)"  # SQLite keeps aware datetimes as UTC text
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {first}")
        cursor.execute(
            f"""
            INSERT INTO {first} (user_id, day, cohort_week, joined_day)
            SELECT ud.user_id, MIN(ud.day), MIN(ud.cohort_week), {joined_day}
            FROM {user_day} AS ud JOIN {users} AS u ON u.id = ud.user_id
            GROUP BY ud.user_id, u.date_joined
            """
        )
        cursor.execute(f"DELETE FROM {cohort}")
        cursor.execute(
            f"""
            INSERT INTO {cohort} (cohort_week, week, status, users)
            SELECT cohort_week, week, status, COUNT(*) FROM {user_week}
            GROUP BY cohort_week, week, status
            """
        )
        cursor.execute(f"DELETE FROM {kind_total}")
        cursor.execute(
            f"""
            INSERT INTO {kind_total} (day, kind, events, value_sum, valued)
            SELECT day, kind, SUM(events), SUM(value_sum), SUM(valued) FROM {metric}
            GROUP BY day, kind
            """
        )


class Migration(migrations.Migration):
    dependencies = [("analytics", "0010_new_rollup_tables")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
