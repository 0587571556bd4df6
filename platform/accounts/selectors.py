"""Reads on accounts."""

from .models import User
from .roles import ROLE_BY_GROUP_NAME, Role


def roles_of(user: User) -> set[Role]:
    """The user's roles, from the groups already prefetched when they were (no extra query
    per user on lists that prefetch ``groups``)."""
    names = {group.name for group in user.groups.all()}
    roles = {ROLE_BY_GROUP_NAME[name] for name in names if name in ROLE_BY_GROUP_NAME}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    return roles


def has_role(user: User, role: Role) -> bool:
    return role in roles_of(user)


def is_email_verified(user: User) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
