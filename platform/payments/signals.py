from django.dispatch import Signal

# Sent inside the transaction that records a successful payment (kwargs: payment). Receivers
# must be idempotent (key their ledger transfers by the payment id): referrals uses it.
payment_succeeded = Signal()
