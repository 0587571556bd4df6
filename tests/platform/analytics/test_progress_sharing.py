"""A learner lets a teacher they booked see their progress (and takes it back); the teacher
reads their consenting students' progress through the API and the website, with the same
numbers as the learner's own /progress/ page, in a fixed number of queries per page."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from analytics.models import ProgressShare
from analytics.personal_data import erase_personal_data, export_personal_data
from analytics.progress import progress_report
from analytics.services import store_event
from core.activity import Activity

pytestmark = pytest.mark.django_db


def lesson_done(user: Any, days_ago: int = 0, seconds: int = 900) -> None:
    store_event(
        Activity(
            user_id=user.pk,
            kind="learning.lesson_completed",
            occurred_at=timezone.now() - timedelta(days=days_ago),
            data={
                "lesson_id": 1,
                "translation_key": "k",
                "parent_path": "p",
                "score": 0.8,
                "time_spent_seconds": seconds,
                "first_time": True,
            },
        )
    )


@pytest.fixture
def booked(teacher: Any, make_listing: Any, paid_booking: Any, student: Any) -> Any:
    """``student`` has paid for a lesson with ``teacher`` (through the API and Stripe)."""
    listing = make_listing(teacher, booking_horizon_days=3660)
    start = (timezone.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    return paid_booking(start, listing=listing)


def test_a_learner_shares_with_a_booked_teacher_who_then_sees_the_same_numbers(
    api_client: Any, booked: Any, student: Any, teacher: Any
) -> None:
    lesson_done(student, 0, 900)
    lesson_done(student, 2, 600)
    api_client.force_login(student)
    teachers = api_client.get("/api/v1/progress/teachers/").json()
    assert teachers["results"] == [
        {"id": str(teacher.pk), "name": "Tomás Teacher", "shared": False}
    ]

    api_client.force_login(teacher)
    assert api_client.get("/api/v1/progress/students/").json()["results"] == []
    assert api_client.get(f"/api/v1/progress/students/{student.pk}/").status_code == 404

    api_client.force_login(student)
    shared = api_client.put(f"/api/v1/progress/teachers/{teacher.pk}/share/")
    assert shared.status_code == 200 and shared.json()["shared"] is True
    again = api_client.put(f"/api/v1/progress/teachers/{teacher.pk}/share/")
    assert again.status_code == 200 and ProgressShare.objects.count() == 1

    api_client.force_login(teacher)
    rows = api_client.get("/api/v1/progress/students/").json()["results"]
    own = progress_report(student, "week")
    assert [row["student"] for row in rows] == [{"id": str(student.pk), "name": "Sam Student"}]
    progress = rows[0]["progress"]
    assert progress["totals"]["minutes"] == pytest.approx(own.totals.minutes) == 25
    assert progress["totals"]["lessons"] == own.totals.lessons == 2
    assert progress["next_steps"] == own.next_steps
    month = api_client.get(f"/api/v1/progress/students/{student.pk}/?period=month").json()
    assert month["progress"]["period"] == "month"
    assert [chart["key"] for chart in month["progress"]["charts"]] == ["minutes", "xp", "tutor"]
    assert len(month["progress"]["charts"][0]["datasets"][0]["data"]) == 30
    bad = api_client.get(f"/api/v1/progress/students/{student.pk}/?period=year")
    assert bad.status_code == 400 and "period" in bad.json()["fields"]

    api_client.force_login(student)
    assert api_client.delete(f"/api/v1/progress/teachers/{teacher.pk}/share/").status_code == 204
    api_client.force_login(teacher)
    assert api_client.get("/api/v1/progress/students/").json()["results"] == []
    gone = api_client.get(f"/api/v1/progress/students/{student.pk}/")
    assert gone.status_code == 404 and gone.json()["code"] == "progress_not_shared"


def test_only_a_booked_teacher_can_be_shared_with_and_others_see_nothing(
    api_client: Any, booked: Any, student: Any, teacher: Any, role_user: Any, other_student: Any
) -> None:
    stranger = role_user(Role.TEACHER, email="ines@example.com", first_name="Inés")
    api_client.force_login(student)
    refused = api_client.put(f"/api/v1/progress/teachers/{stranger.pk}/share/")
    assert refused.status_code == 403 and refused.json()["code"] == "not_your_teacher"
    assert api_client.put(f"/api/v1/progress/teachers/{student.pk}/share/").status_code == 403
    assert api_client.put(f"/api/v1/progress/teachers/{teacher.pk}/share/").status_code == 200

    for outsider in (stranger, other_student):
        api_client.force_login(outsider)
        assert api_client.get("/api/v1/progress/students/").json()["results"] == []
        assert api_client.get(f"/api/v1/progress/students/{student.pk}/").status_code == 404
    api_client.logout()
    assert api_client.get("/api/v1/progress/students/").status_code in (401, 403)


def test_the_students_list_costs_the_same_queries_for_one_student_or_many(
    api_client: Any, teacher: Any, role_user: Any
) -> None:
    def consenting(n: int) -> None:
        learner = role_user(Role.STUDENT, email=f"learner{n}@example.com", first_name=f"L{n}")
        for days_ago in range(n % 4):
            lesson_done(learner, days_ago)
        ProgressShare.objects.create(learner=learner, teacher=teacher)

    consenting(1)
    api_client.force_login(teacher)
    api_client.get("/api/v1/progress/students/")  # warm the session
    with CaptureQueriesContext(connection) as one:
        assert len(api_client.get("/api/v1/progress/students/").json()["results"]) == 1
    for n in range(2, 9):
        consenting(n)
    with CaptureQueriesContext(connection) as many:
        assert len(api_client.get("/api/v1/progress/students/").json()["results"]) == 8
    # session, user, (+1 the request's own bookkeeping), count, page of shares with their
    # learners, players, the time zones of learners without XP yet, events, XP days
    assert [q["sql"][:40] for q in one.captured_queries] == [
        q["sql"][:40] for q in many.captured_queries
    ]
    assert len(one.captured_queries) == len(many.captured_queries) == STUDENT_LIST_QUERIES


STUDENT_LIST_QUERIES = 8


def test_the_website_sharing_and_teacher_pages(
    client: Any, booked: Any, student: Any, teacher: Any
) -> None:
    lesson_done(student, 0, 1200)
    client.force_login(student)
    page = client.get("/progress/sharing/")
    assert "Share with Tomás" in page.content.decode()
    response = client.post("/progress/sharing/", {"teacher": teacher.pk, "action": "share"})
    assert response.status_code == 302 and ProgressShare.objects.filter(learner=student).exists()
    assert "Stop sharing with Tomás" in client.get("/progress/sharing/").content.decode()

    client.force_login(teacher)
    progress = client.get("/progress/").content.decode()
    assert "/progress/students/" in progress
    students = client.get("/progress/students/").content.decode()
    assert "Sam Student" in students and f"/progress/students/{student.pk}/" in students
    detail = client.get(f"/progress/students/{student.pk}/?period=month")
    assert detail.status_code == 200
    assert "Sam Student" in detail.content.decode() and 'id="progress-charts"' in (
        detail.content.decode()
    )

    client.force_login(student)
    client.post("/progress/sharing/", {"teacher": teacher.pk, "action": "stop"})
    assert not ProgressShare.objects.exists()
    client.force_login(teacher)
    assert client.get(f"/progress/students/{student.pk}/").status_code == 404
    assert "Sam Student" not in client.get("/progress/students/").content.decode()


def test_export_and_deletion_cover_the_consent(
    booked: Any, student: Any, teacher: Any, api_client: Any
) -> None:
    api_client.force_login(student)
    api_client.put(f"/api/v1/progress/teachers/{teacher.pk}/share/")
    exported = export_personal_data(student)["progress_shared_with"]
    assert exported == [{"teacher": str(teacher.pk), "since": exported[0]["since"]}]
    erase_personal_data(teacher)
    assert not ProgressShare.objects.exists()
