"""Low-credit alerts: when a charge leaves a learner with less than
``CREDITS_LOW_BALANCE_THRESHOLD`` credits to spend (wallet and this month's allowance), they are
told once; the next alert waits until credits came in after the last one (a purchase, a grant,
the next month's allowance), so a learner spending their last credits one by one hears it once
per dip, not once per charge."""

from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.services import notify
from notifications.types import EMAIL, IN_APP, PUSH, NotificationType, register

from .models import Entry, LedgerAccount, LowCreditAlert

LOW_CREDITS = register(
    NotificationType("credits.low", "Credits running low", frozenset({IN_APP, EMAIL, PUSH}))
).key


def threshold() -> Decimal:
    return Decimal(str(settings.CREDITS_LOW_BALANCE_THRESHOLD))


def after_charge(user: User, *, available: Decimal, accounts: list[LedgerAccount]) -> None:
    """Called inside ``charge()``'s transaction, under the lock on the user's accounts (so two
    concurrent charges cannot both alert). ``available`` is what is left to spend."""
    limit = threshold()
    if limit <= 0 or available >= limit:
        return
    alert = LowCreditAlert.objects.filter(user=user).first()
    if (
        alert is not None
        and not Entry.objects.filter(
            account__in=accounts, amount__gt=0, created_at__gt=alert.alerted_at
        ).exists()
    ):
        return  # already told, and nothing came in since
    now = timezone.now()
    LowCreditAlert.objects.update_or_create(user=user, defaults={"alerted_at": now})
    notify(
        user,
        LOW_CREDITS,
        _("Your credits are running low"),
        _("You have %(available)s credits left. Top up to keep using AI features.")
        % {"available": available},
        data={"available": str(available), "threshold": str(limit)},
        url=reverse("website-wallet"),
    )
