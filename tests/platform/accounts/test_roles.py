import pytest
from django.contrib.auth.models import Group

from accounts.roles import GROUP_NAMES, Role
from accounts.selectors import roles_of
from accounts.services import grant_role, revoke_role

pytestmark = pytest.mark.django_db


def test_every_role_has_its_group_from_the_migration() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= set(GROUP_NAMES.values())


def test_a_user_may_hold_several_roles(teacher) -> None:
    assert roles_of(teacher) == {Role.TEACHER, Role.STUDENT}


def test_staff_roles_reach_the_wagtail_admin_and_learners_do_not(
    content_creator, moderator, student, institution
) -> None:
    assert content_creator.has_perm("wagtailadmin.access_admin")
    assert moderator.has_perm("wagtailadmin.access_admin")
    assert institution.has_perm("wagtailadmin.access_admin")
    assert not student.has_perm("wagtailadmin.access_admin")


def test_admin_role_is_granted_and_revoked(user_factory) -> None:
    user = user_factory()
    grant_role(user, Role.ADMIN)
    user.refresh_from_db()
    assert user.is_superuser
    assert Role.ADMIN in roles_of(user)
    revoke_role(user, Role.ADMIN)
    user.refresh_from_db()
    assert not user.is_superuser
    assert roles_of(user) == set()


def test_email_is_unique_whatever_its_letter_case(user_factory) -> None:
    from django.db import IntegrityError, transaction

    user_factory(email="Someone@Example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        user_factory(email="someone@example.COM")


def test_fixture_users_are_verified_unless_asked(student, user_factory) -> None:
    from accounts.selectors import is_email_verified

    assert is_email_verified(student)
    assert not is_email_verified(user_factory(verified=False))
