"""Vendors' edits of their live listings: minor edits are published without review."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import User

from .rows import policy


def publish_minor_edit(page: Any, *, by: User) -> list[str] | None:
    """Publishes at once a change ``by`` just submitted to moderation when the admins let
    minor edits skip review and every change since the live version is minor
    (``minor_edits``): the review task is approved by the platform with a comment naming
    the changes, which ends the workflow and publishes the revision, and the partner's
    action is logged. Returns what changed, or ``None`` when the change waits for review."""
    from wagtail.log_actions import log
    from wagtail.models import TaskState, WorkflowState

    from ..minor_edits import minor_changes

    settings = policy()
    if not settings.minor_edits_skip_review:
        return None
    model = page.specific_class or type(page)
    with transaction.atomic():
        live = model.objects.select_for_update().filter(pk=page.pk, live=True).first()
        if live is None:
            return None  # a listing that never went live is always reviewed
        state = (
            WorkflowState.objects.filter(
                base_content_type_id=live.get_base_content_type().pk,
                object_id=str(live.pk),
                status=WorkflowState.STATUS_IN_PROGRESS,
                requested_by=by,
            )
            .select_related("current_task_state")
            .first()
        )
        task_state = state.current_task_state if state else None
        revision = live.get_latest_revision()
        if (
            task_state is None
            or revision is None
            or task_state.status != TaskState.STATUS_IN_PROGRESS
            or task_state.revision_id != revision.pk
        ):
            return None
        changes = minor_changes(live, revision.as_object(), settings.minor_price_change_percent)
        if not changes:
            return None
        task_state.specific.approve(
            user=None,
            comment="Minor edit published without review (site setting): " + ", ".join(changes),
        )
        log(
            instance=live,
            action="abroad.minor_edit_published",
            user=by,
            revision=revision,
            data={"changes": changes},
        )
    return changes
