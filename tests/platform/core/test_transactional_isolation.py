"""Data made by migrations survives transactional tests (which flush the database)."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page, Site

from accounts.roles import GROUP_NAMES


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", [1, 2])
def test_migration_data_is_there_in_every_transactional_test(run: int) -> None:
    assert set(GROUP_NAMES.values()) <= set(Group.objects.values_list("name", flat=True))
    assert Site.objects.filter(is_default_site=True).exists()
    assert Page.objects.filter(depth=1).exists()
    Group.objects.filter(name="Students").delete()  # flushed, then restored for run 2
