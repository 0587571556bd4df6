"""Every user has a profile from the moment the account exists, however it was created
(sign-up, social login, createsuperuser, fixtures), so readers never handle a missing one."""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from .models import Profile, User


@receiver(post_save, sender=User, dispatch_uid="accounts_create_profile")
def create_profile(sender: type[User], instance: User, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        Profile.objects.get_or_create(user=instance)


# Sent when someone signs up having ticked "I accept the terms" (website or headless API);
# the site app records which versions that was (cms.site.legal). ``user`` is the new account.
signed_up_accepting_terms = Signal()
