"""No room is ever booked twice for a night, enforced by PostgreSQL: active stays (guests'
and the host's blocked dates) of one room never overlap. Half-open ranges: a check-out day
is the next guest's check-in day."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations
from django.db.models import Q

from core.db import AddPostgresConstraint
from abroad.db import nights


class Migration(migrations.Migration):
    dependencies = [("abroad", "0002_initial")]

    operations = [
        BtreeGistExtension(),
        AddPostgresConstraint(
            "roomstay",
            ExclusionConstraint(
                name="abroad_roomstay_no_overlap",
                expressions=[
                    (nights("check_in", "check_out"), RangeOperators.OVERLAPS),
                    ("room", RangeOperators.EQUAL),
                ],
                condition=Q(active=True),
            ),
        ),
    ]
