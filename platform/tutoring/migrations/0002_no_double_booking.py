"""No double booking, enforced by PostgreSQL.

A teacher's buffered time ranges of active one-to-one bookings never overlap, and a learner
is never in two lessons at once. Seats in a group session share its time on purpose: they
are excluded from the teacher's constraint (the session's seat counter guards them).
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations
from django.db.models import Q

from core.db import AddPostgresConstraint
from tutoring.db import half_open

ACTIVE = ["held", "confirmed", "in_progress", "awaiting_confirmation", "disputed", "completed"]


class Migration(migrations.Migration):
    dependencies = [("tutoring", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        AddPostgresConstraint(
            "booking",
            ExclusionConstraint(
                name="tutoring_booking_no_teacher_overlap",
                expressions=[
                    (half_open("blocked_start", "blocked_end"), RangeOperators.OVERLAPS),
                    ("teacher", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=ACTIVE, group_session__isnull=True),
            ),
        ),
        AddPostgresConstraint(
            "booking",
            ExclusionConstraint(
                name="tutoring_booking_no_learner_overlap",
                expressions=[
                    (half_open("start", "end"), RangeOperators.OVERLAPS),
                    ("learner", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=ACTIVE),
            ),
        ),
    ]
