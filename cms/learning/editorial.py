"""Who may do what in the learning tree.

Policy: content creators add, edit and lock pages under a learning index but never publish;
every change they make goes through the "Lesson review" workflow, whose one task is approval
by the Moderators group (Wagtail's own, which also holds publish rights on the whole tree).
The workflow, its task and the creators' image/document permissions come from migration 0002;
page permissions need a page, so they are attached whenever a learning index is created
(including its translations), by the post_save handler in signals.py.
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page, Workflow, WorkflowPage

from accounts.roles import GROUP_NAMES, Role

LESSON_REVIEW_WORKFLOW = "Lesson review"
LESSON_REVIEW_TASK = "Moderator approval of lessons"
CREATOR_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page")


def apply_editorial_policy(index_page: Page) -> None:
    creators = Group.objects.get(name=GROUP_NAMES[Role.CONTENT_CREATOR])
    for codename in CREATOR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=creators,
            page=index_page,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    workflow = Workflow.objects.filter(name=LESSON_REVIEW_WORKFLOW, active=True).first()
    if workflow is not None:
        WorkflowPage.objects.update_or_create(page=index_page, defaults={"workflow": workflow})
