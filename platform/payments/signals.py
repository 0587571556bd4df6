from django.dispatch import Signal

# Sent inside the transaction that records a successful payment (kwargs: payment). Receivers
# must be idempotent (key their ledger transfers by the payment id): referrals uses it.
payment_succeeded = Signal()

# Sent inside the webhook's transaction when a provider reports a dispute (chargeback) on a
# payment: kwargs ``payment`` and ``dispute`` (a ``ProviderDispute``). The event row commits
# with what receivers write, so a redelivered event reaches them once.
provider_dispute = Signal()

# Sent by an app whose customers can complain about what they paid for (tutoring: a lesson
# the learner disputes), inside its transaction: kwargs ``payment``, ``by`` (the learner),
# ``reason``. The disputes app opens a dispute for it.
complaint_opened = Signal()
