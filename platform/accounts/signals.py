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

# Sent by the sign-up form to ask whether there is anything to accept: the site app answers
# True while legal documents are published. With no answer, or only False, the box is not
# asked for (nobody can accept documents that do not exist).
terms_to_accept = Signal()


def has_terms_to_accept() -> bool:
    return any(answer for _, answer in terms_to_accept.send(sender=None))
