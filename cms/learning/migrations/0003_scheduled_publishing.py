"""Kept so that the migration graph stays intact: the "Publish scheduled pages" beat row now
comes from core's migration 0002 (scheduled publishing serves every page tree)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cms_learning", "0002_lesson_review_workflow")]

    operations: list[migrations.operations.base.Operation] = []
