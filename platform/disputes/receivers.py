"""Reactions to payments' events: a provider chargeback and a learner's complaint each open
(or update) a dispute, in the transaction of the event that reports them."""

from typing import Any

from django.dispatch import receiver

from payments.signals import complaint_opened, provider_dispute

from . import services


@receiver(provider_dispute, dispatch_uid="disputes.provider_dispute")
def _provider_dispute(sender: Any, *, payment: Any, dispute: Any, **kwargs: Any) -> None:
    services.record_provider_dispute(payment, dispute)


@receiver(complaint_opened, dispatch_uid="disputes.complaint_opened")
def _complaint_opened(sender: Any, *, payment: Any, by: Any, reason: str, **kwargs: Any) -> None:
    services.open_complaint(payment, by=by, reason=reason)
