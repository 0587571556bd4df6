"""Vendors in a restricted editor: each vendor gets a group of their own with page
permissions on their own subtree only (their institute and its courses, or their homestay),
and the subtree runs through the study-abroad review workflow, so a vendor's change goes
live only after a moderator approves it. Wagtail then gives them revisions, previews,
rollback and scheduling on their pages, and nothing on anyone else's."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

WORKFLOW = "Study abroad listing review"
TASK = "Moderator approval of study abroad listings"
MODERATORS = "Moderators"
# Vendors draft and submit; they never publish, lock others out or change privacy.
VENDOR_PAGE_PERMISSIONS = ("add_page", "change_page")


def review_workflow() -> Workflow:
    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK)
    task.groups.add(moderators)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    return workflow


def vendor_group_name(user: Any) -> str:
    return f"Vendor {user.pk}"


@transaction.atomic
def grant_vendor_subtree(user: Any, page: Page) -> Group:
    """Makes ``page`` and its descendants the vendor's: their own group, add and change
    permission there only, and the review workflow on the subtree."""
    group, _ = Group.objects.get_or_create(name=vendor_group_name(user))
    user.groups.add(group)
    page_type = ContentType.objects.get_for_model(Page)
    for codename in VENDOR_PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type=page_type, codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": review_workflow()})
    if page.owner_id != user.pk:
        Page.objects.filter(pk=page.pk).update(owner=user)
    return group


def vendor_root_pages(user: Any) -> list[Page]:
    return list(
        Page.objects.filter(group_permissions__group__name=vendor_group_name(user)).distinct()
    )
