"""The heaviest lists read their big table through an index, never a sequential scan.

A modest world is made through the apps' services and fixtures (teachers with gigs,
bookings, notifications, credit grants, a conversation with messages), then multiplied
x``FACTOR`` in SQL by ``core.testing.scale`` (every person and what they own, each copy
with its own people), and the tables analysed. Each list is then requested through the API
as one learner or teacher, its SQL captured, and every captured query that reads the list's
big table is ``EXPLAIN``ed.

``SET enable_seqscan = off``, and why: the test database holds a few thousand rows, where
reading the whole table is often genuinely the cheapest plan, so without the setting the
planner's choice would say nothing about production's 100x (benchmarks/db measures that).
With it the planner still falls back to a Seq Scan when *no index can serve the query's
filter or order* - the setting only makes sequential scans look expensive - so "no Seq Scan
on the big table" asserts exactly what matters here: an index exists that fits the list's
query.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.testing.scale import scale
from credits.testing import give_credits  # noqa: F401 - fixture
from tutoring.testing import make_gig, make_listing  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

FACTOR = 40


@pytest.fixture
def world(
    make_listing: Any,  # noqa: F811
    make_gig: Any,  # noqa: F811
    student: Any,
    give_credits: Any,  # noqa: F811 - a fixture imported above
) -> dict[str, Any]:
    from messaging.services import send_message, start_conversation
    from notifications.services import notify
    from tutoring.services.bookings import hold_booking

    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    listings = [make_listing() for _ in range(3)]
    for n, listing in enumerate(listings):
        gig = make_gig(listing)
        for hour in range(2):
            hold_booking(
                learner=student,
                gig=gig,
                start=start + timedelta(days=n, hours=hour),
                minutes=60,
                check_availability=False,
            )
    for n in range(6):
        notify(student, "system", f"Notification {n}")
        give_credits(student, 5, key=f"grant-{n}")
    conversation, _created = start_conversation(student, [listings[0].user])
    for n in range(5):
        send_message(student, conversation.pk, client_id=f"m{n}", body=f"Hello {n}")
    report = scale(FACTOR)
    left_out = {table: why for table, (_rows, why) in report.items() if why}
    return {"student": student, "teacher": listings[0].user, "left_out": left_out}


def plans_of(api_client: Any, user: Any, path: str, table: str) -> list[str]:
    """The plans (enable_seqscan off) of the queries ``path`` runs that read ``table``."""
    api_client.force_authenticate(user)
    with CaptureQueriesContext(connection) as captured:
        answer = api_client.get(path)
    assert answer.status_code == 200, answer.content[:300]
    reads = re.compile(rf'\b(FROM|JOIN) "{table}"')
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for query in captured.captured_queries:
                sql = query["sql"]
                if sql.lstrip().upper().startswith("SELECT") and reads.search(sql):
                    cursor.execute("EXPLAIN " + sql)
                    plans.append("\n".join(row[0] for row in cursor.fetchall()))
        finally:
            cursor.execute("SET enable_seqscan = on")
    return plans


@pytest.mark.parametrize(
    ("who", "path", "table", "minimum_rows"),
    [
        ("student", "/api/v1/teachers/", "tutoring_teacherlisting", 3 * FACTOR),
        ("student", "/api/v1/lessons/", "cms_learning_lessonpage", 0),
        ("student", "/api/v1/notifications/", "notifications_notification", 6 * FACTOR),
        ("student", "/api/v1/conversations/", "messaging_participant", 2 * FACTOR),
        ("student", "/api/v1/wallet/transactions/", "credits_entry", 6 * FACTOR),
        ("student", "/api/v1/bookings/", "tutoring_booking", 6 * FACTOR),
        ("teacher", "/api/v1/bookings/", "tutoring_booking", 6 * FACTOR),
    ],
)
def test_a_heavy_list_reads_its_big_table_through_an_index(
    world: dict[str, Any], api_client: Any, who: str, path: str, table: str, minimum_rows: int
) -> None:
    assert table not in world["left_out"], world["left_out"][table]
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - a name above
        assert cursor.fetchone()[0] >= minimum_rows  # the table was multiplied

    plans = plans_of(api_client, world[who], path, table)

    assert plans, f"{path} ran no query on {table}"
    for plan in plans:
        assert f"Seq Scan on {table}" not in plan, plan
