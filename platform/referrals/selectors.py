"""Reads on referrals, each scoped to the user asking."""

from django.db.models import QuerySet

from accounts.models import User

from .models import Referral


def referrals_made_by(user: User) -> QuerySet[Referral]:
    """The people who joined with ``user``'s code, newest first. Only their first names
    are shown to the referrer (see ReferralSerializer)."""
    return Referral.objects.filter(referrer=user).select_related("referred").order_by("-created_at")
