"""Writes on accounts. Views, admin screens and the API call these, never the ORM directly."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import GROUP_NAMES, STAFF_ROLES, Role


@transaction.atomic
def grant_role(user: User, role: Role) -> None:
    user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    if role == Role.ADMIN and not user.is_superuser:
        # Admins run the whole platform; new apps' permissions must not need re-granting.
        user.is_superuser = True
        user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    elif role in STAFF_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


@transaction.atomic
def revoke_role(user: User, role: Role) -> None:
    user.groups.remove(Group.objects.get(name=GROUP_NAMES[role]))
    if role == Role.ADMIN and user.is_superuser:
        user.is_superuser = False
        user.save(update_fields=["is_superuser"])
