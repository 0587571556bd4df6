"""Reads of lesson packages."""

from django.db.models import QuerySet

from accounts.models import User

from ..models import LessonPackage, PackageStatus


def packages_of(user: User) -> QuerySet[LessonPackage]:
    """The packages ``user`` bought (newest first), with what their lists show joined."""
    return LessonPackage.objects.filter(learner=user).select_related("gig", "teacher__user")


def open_packages_of(user: User) -> QuerySet[LessonPackage]:
    return packages_of(user).filter(status=PackageStatus.ACTIVE)
