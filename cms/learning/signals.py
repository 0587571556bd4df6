from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from .editorial import apply_editorial_policy
from .models import LearningIndexPage


@receiver(post_save, sender=LearningIndexPage)
def attach_editorial_policy(
    sender: type, instance: LearningIndexPage, created: bool, **kwargs: Any
) -> None:
    if created and not kwargs.get("raw"):
        apply_editorial_policy(instance)
