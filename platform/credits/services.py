"""Writes on the ledger. Every function that moves value takes an idempotency key: replaying
it returns the first result and moves nothing."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model, Sum
from django.utils import timezone

from accounts.models import User

from . import alerts, claims
from .errors import (
    AdjustmentOverdraws,
    AdjustmentReasonRequired,
    IdempotencyConflict,
    InsufficientCredits,
    InsufficientFunds,
    InvalidAdjustment,
    UnbalancedTransfer,
    UnknownFeature,
)
from .models import (
    CREDITS,
    USER_ACCOUNT_KINDS,
    AccountKind,
    CreditAdjustment,
    Entry,
    FeaturePrice,
    LedgerAccount,
    Plan,
    Subscription,
    SubscriptionStatus,
    Transfer,
    UsageCharge,
)

CENT = Decimal("0.01")


def quantize(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Leg:
    account: LedgerAccount
    amount: Decimal


# --- Accounts ---------------------------------------------------------------------------------


def user_account(user: User, kind: AccountKind, currency: str = CREDITS) -> LedgerAccount:
    if kind not in USER_ACCOUNT_KINDS:
        raise ValueError(f"{kind} is a platform account kind")
    account, _ = LedgerAccount.objects.get_or_create(owner=user, kind=kind, currency=currency)
    return account


def platform_account(kind: AccountKind, currency: str) -> LedgerAccount:
    if kind in USER_ACCOUNT_KINDS:
        raise ValueError(f"{kind} is a user account kind")
    account, _ = LedgerAccount.objects.get_or_create(owner=None, kind=kind, currency=currency)
    return account


# --- Transfers --------------------------------------------------------------------------------


def _check_balanced(legs: Sequence[Leg]) -> None:
    if not legs:
        raise UnbalancedTransfer("A transfer needs at least two legs.")
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for leg in legs:
        if leg.amount != quantize(leg.amount) or leg.amount == 0:
            raise UnbalancedTransfer(f"Leg amounts must be non-zero cents: {leg.amount}")
        totals[leg.account.currency] += leg.amount
    unbalanced = {currency: total for currency, total in totals.items() if total != 0}
    if unbalanced:
        raise UnbalancedTransfer(f"Legs do not sum to zero: {unbalanced}")


def post_transfer(
    *,
    kind: str,
    idempotency_key: str,
    legs: Sequence[Leg],
    memo: str = "",
    metadata: dict[str, Any] | None = None,
    reverses: Transfer | None = None,
    insufficient: type[InsufficientFunds] | type[InsufficientCredits] = InsufficientFunds,
) -> Transfer:
    """Posts one balanced transfer atomically, or returns the one already posted under
    ``idempotency_key``. User accounts never go below zero: the accounts are locked (in
    primary-key order, so concurrent transfers cannot deadlock) before their balances are read.
    """
    legs = [leg for leg in legs if leg.amount != 0]
    _check_balanced(legs)
    with transaction.atomic():
        existing = Transfer.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                transfer = Transfer.objects.create(
                    idempotency_key=idempotency_key,
                    kind=kind,
                    memo=memo,
                    metadata=metadata or {},
                    reverses=reverses,
                )
        except IntegrityError:
            # A concurrent call with the same key committed first: its result stands.
            return Transfer.objects.get(idempotency_key=idempotency_key)

        account_ids = sorted({leg.account.pk for leg in legs})
        locked = {
            account.pk: account
            for account in LedgerAccount.objects.select_for_update()
            .filter(pk__in=account_ids)
            .order_by("pk")
        }
        now = timezone.now()
        entries = []
        for leg in legs:
            account = locked[leg.account.pk]
            account.balance += leg.amount
            if account.owner_id is not None and account.balance < 0:
                raise insufficient()
            entries.append(
                Entry(
                    transfer=transfer,
                    account=account,
                    currency=account.currency,
                    amount=leg.amount,
                    balance_after=account.balance,
                    created_at=now,
                )
            )
            leg.account.balance = account.balance
        Entry.objects.bulk_create(entries)
        LedgerAccount.objects.bulk_update(locked.values(), ["balance"])
        # Debts against earnings are repaid first from whatever credits them (credits.claims),
        # still under this transfer's lock on the earnings account.
        for account_id in sorted({leg.account.pk for leg in legs if leg.amount > 0}):
            account = locked[account_id]
            if account.kind == AccountKind.EARNINGS and account.owner_id is not None:
                claims.recover(account, source_key=idempotency_key)
    return transfer


def reverse_transfer(
    transfer: Transfer,
    *,
    idempotency_key: str,
    memo: str = "",
    fraction: Decimal = Decimal("1"),
) -> Transfer:
    """Posts the mirror image of ``transfer`` (or of a fraction of it, rounded to cents so
    that every currency still balances: the last leg per currency takes the remainder)."""
    entries = list(transfer.entries.select_related("account").order_by("id"))
    legs: list[Leg] = []
    by_currency: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_currency[entry.currency].append(entry)
    for currency_entries in by_currency.values():
        running = Decimal("0")
        for index, entry in enumerate(currency_entries):
            if index == len(currency_entries) - 1:
                amount = -running
            else:
                amount = quantize(-entry.amount * fraction)
                running += amount
            legs.append(Leg(entry.account, amount))
    return post_transfer(
        kind=f"reversal:{transfer.kind}"[:40],
        idempotency_key=idempotency_key,
        legs=legs,
        memo=memo or f"Reversal of {transfer.kind}",
        reverses=transfer,
    )


def grant_credits(
    user: User,
    credits: Decimal,
    *,
    idempotency_key: str,
    memo: str = "",
    kind: str = "promotion",
    metadata: dict[str, Any] | None = None,
) -> Transfer:
    """Gives credits from the promotions budget (rewards, goodwill, demo data)."""
    credits = quantize(credits)
    return post_transfer(
        kind=kind,
        idempotency_key=idempotency_key,
        legs=[
            Leg(platform_account(AccountKind.PROMOTIONS, CREDITS), -credits),
            Leg(user_account(user, AccountKind.WALLET), credits),
        ],
        memo=memo,
        metadata=metadata,
    )


def clearing_to_revenue(currency: str, amount: Decimal) -> list[Leg]:
    """``amount`` a payment provider took becomes revenue: provider clearing -amount, revenue
    +amount. A negative amount is the way back (money returned to the customer). Every sale
    (credits here, lessons, packs, study abroad through ``payments.ledger``) uses these legs."""
    return [
        Leg(platform_account(AccountKind.PROVIDER_CLEARING, currency), -amount),
        Leg(platform_account(AccountKind.REVENUE, currency), amount),
    ]


def sell_credits(
    user: User,
    credits: Decimal,
    *,
    price: Decimal,
    currency: str,
    idempotency_key: str,
    memo: str = "",
    metadata: dict[str, Any] | None = None,
) -> Transfer:
    """Records a paid credit purchase: the money moves from provider clearing to revenue
    and the credits are issued into the buyer's wallet, in one transfer."""
    credits, price = quantize(credits), quantize(price)
    return post_transfer(
        kind="credit_sale",
        idempotency_key=idempotency_key,
        legs=[
            *clearing_to_revenue(currency, price),
            Leg(platform_account(AccountKind.CREDITS_ISSUED, CREDITS), -credits),
            Leg(user_account(user, AccountKind.WALLET), credits),
        ],
        memo=memo,
        metadata=metadata,
    )


def adjust_credits(
    user: User, credits: Decimal, *, reason: str, by: User, idempotency_key: str
) -> CreditAdjustment:
    """A finance admin grants (``credits`` > 0) or deducts (< 0) credits, from and to the
    promotions budget. The reason is the transfer's memo, so the learner sees it in their
    transactions; who did it is in the adjustment row and Wagtail's audit log. A deduction
    never overdraws the wallet (``AdjustmentOverdraws``); replaying the key changes nothing."""
    from wagtail.log_actions import log

    reason = reason.strip()
    if not reason:
        raise AdjustmentReasonRequired()
    credits = quantize(Decimal(credits))
    if credits == 0:
        raise InvalidAdjustment()
    with transaction.atomic():
        existing = CreditAdjustment.objects.filter(
            transfer__idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing
        try:
            transfer = post_transfer(
                kind="admin_adjustment",
                idempotency_key=idempotency_key,
                legs=[
                    Leg(platform_account(AccountKind.PROMOTIONS, CREDITS), -credits),
                    Leg(user_account(user, AccountKind.WALLET), credits),
                ],
                memo=reason[:255],
                metadata={"by": str(by.pk)},
            )
        except InsufficientFunds as error:
            raise AdjustmentOverdraws() from error
        adjustment = CreditAdjustment.objects.create(
            user=user, credits=credits, reason=reason, by=by, transfer=transfer
        )
        log(
            instance=adjustment,
            action="credits.adjust",
            user=by,
            data={"user": str(user.pk), "credits": str(credits), "reason": reason},
        )
    return adjustment


# --- Plans and the monthly allowance -----------------------------------------------------------


def period_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")


def current_subscription(user: User, now: datetime | None = None) -> Subscription | None:
    now = now or timezone.now()
    for subscription in (
        Subscription.objects.filter(user=user, status=SubscriptionStatus.ACTIVE)
        .select_related("plan")
        .order_by("-created_at")
    ):
        if subscription.is_current(now):
            return subscription
    return None


def current_plan(user: User, now: datetime | None = None) -> Plan | None:
    subscription = current_subscription(user, now)
    if subscription is not None:
        return subscription.plan
    return Plan.objects.filter(is_default=True, active=True).first()


def allowance_key(user: User, period: str) -> str:
    """The idempotency key of a user's allowance renewal for one month (YYYY-MM)."""
    return f"allowance:{user.pk}:{period}"


def renew_allowance(user: User, plan: Plan | None, now: datetime | None = None) -> Transfer:
    """Resets the user's free allowance once per calendar month (UTC): what is left of last
    month's goes back to promotions and this month's is granted. Callers hold the lock on the
    allowance account or accept that the idempotency key makes the renewal happen once."""
    period = period_of(now or timezone.now())
    key = allowance_key(user, period)
    existing = Transfer.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    allowance = user_account(user, AccountKind.ALLOWANCE)
    allowance.refresh_from_db(fields=["balance"])
    target = quantize(plan.monthly_free_credits) if plan else Decimal("0")
    delta = target - allowance.balance
    if delta == 0:
        # Nothing moves, but the month is marked as renewed.
        transfer, _ = Transfer.objects.get_or_create(
            idempotency_key=key, defaults={"kind": "allowance", "memo": f"Allowance {period}"}
        )
        return transfer
    return post_transfer(
        kind="allowance",
        idempotency_key=key,
        legs=[
            Leg(platform_account(AccountKind.PROMOTIONS, CREDITS), -delta),
            Leg(allowance, delta),
        ],
        memo=f"Free allowance for {period}",
        metadata={"period": period, "plan": plan.slug if plan else None},
    )


# --- Charging AI features ----------------------------------------------------------------------


def charge(user: User, feature: str, units: Decimal | int, idempotency_key: str) -> UsageCharge:
    """Charges ``units`` of an AI feature to ``user``, once per ``idempotency_key``.

    Order of payment: the subscription's fair-use budget, then this month's free allowance,
    then the wallet. Raises ``InsufficientCredits`` (HTTP 402) when they do not cover the
    price together; nothing is charged then. A user's charges are serialised by locking their
    allowance and wallet rows, so concurrent requests can never overdraw them.
    """
    units = Decimal(units)
    if units <= 0:
        raise ValueError("units must be positive")
    now = timezone.now()
    period = period_of(now)
    with transaction.atomic():
        existing = UsageCharge.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            price = FeaturePrice.objects.filter(feature=feature, active=True).first()
            if price is None:
                raise UnknownFeature()
            allowance = user_account(user, AccountKind.ALLOWANCE)
            wallet = user_account(user, AccountKind.WALLET)
            list(
                LedgerAccount.objects.select_for_update()
                .filter(pk__in=[allowance.pk, wallet.pk])
                .order_by("pk")
            )
            # Re-read under the lock: a concurrent call with the same key may have committed.
            existing = UsageCharge.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.user_id != user.pk or existing.feature != feature:
                raise IdempotencyConflict()
            return existing
        if price is None:  # unreachable: a first call found the price above
            raise UnknownFeature()

        plan = current_plan(user, now)
        renew_allowance(user, plan, now)
        allowance.refresh_from_db(fields=["balance"])
        wallet.refresh_from_db(fields=["balance"])

        credits = quantize(price.credits_per_unit * units)
        covered = Decimal("0")
        if plan is not None and plan.unlimited_ai:
            used = UsageCharge.objects.filter(user=user, period=period).aggregate(
                total=Sum("covered_by_plan")
            )["total"] or Decimal("0")
            covered = max(Decimal("0"), min(credits, plan.fair_use_monthly_credits - used))
        to_pay = credits - covered
        from_allowance = min(to_pay, allowance.balance)
        from_wallet = to_pay - from_allowance
        if from_wallet > wallet.balance:
            raise InsufficientCredits(
                f"This needs {to_pay} credits; you have {allowance.balance + wallet.balance}."
            )
        transfer = None
        if to_pay > 0:
            transfer = post_transfer(
                kind="ai_charge",
                idempotency_key=f"charge:{idempotency_key}",
                legs=[
                    Leg(allowance, -from_allowance),
                    Leg(wallet, -from_wallet),
                    Leg(platform_account(AccountKind.CREDITS_SPENT, CREDITS), to_pay),
                ],
                memo=f"{price.label} x {units}",
                metadata={"feature": feature, "units": str(units)},
                insufficient=InsufficientCredits,
            )
        usage = UsageCharge.objects.create(
            user=user,
            feature=feature,
            units=units,
            credits=credits,
            covered_by_plan=covered,
            period=period,
            idempotency_key=idempotency_key,
            transfer=transfer,
            created_at=now,
        )
        if to_pay > 0:
            # post_transfer left the legs' accounts holding their new balances.
            alerts.after_charge(
                user, available=allowance.balance + wallet.balance, accounts=[allowance, wallet]
            )
        return usage


# --- Subscriptions (state kept here; payments drives it from the providers' events) ----------


@transaction.atomic
def activate_subscription(
    *,
    user: User,
    plan: Plan,
    provider: str,
    provider_subscription_id: str = "",
    current_period_end: datetime | None,
) -> Subscription:
    subscription = None
    if provider_subscription_id:
        subscription = (
            Subscription.objects.select_for_update()
            .filter(provider=provider, provider_subscription_id=provider_subscription_id)
            .first()
        )
    if subscription is None:
        subscription = Subscription(
            user=user,
            plan=plan,
            provider=provider,
            provider_subscription_id=provider_subscription_id,
        )
    subscription.status = SubscriptionStatus.ACTIVE
    # Events may arrive out of order: a period end only ever moves forward.
    if current_period_end is not None and (
        subscription.current_period_end is None
        or current_period_end > subscription.current_period_end
    ):
        subscription.current_period_end = current_period_end
    subscription.save()
    return subscription


@transaction.atomic
def set_subscription_status(
    *, provider: str, provider_subscription_id: str, status: SubscriptionStatus
) -> Subscription | None:
    subscription = (
        Subscription.objects.select_for_update()
        .filter(provider=provider, provider_subscription_id=provider_subscription_id)
        .first()
    )
    if subscription is None or subscription.status == SubscriptionStatus.CANCELED:
        return subscription  # canceled is final whatever arrives later
    subscription.status = status
    if status == SubscriptionStatus.CANCELED:
        subscription.canceled_at = timezone.now()
    subscription.save(update_fields=["status", "canceled_at", "updated_at"])
    return subscription


def stop_renewal(subscription_ids: Iterable[Any]) -> int:
    """The subscriptions keep their plan until the paid period ends and are not renewed (the
    customer cancelled, or their account is being erased). Returns how many changed."""
    return Subscription.objects.filter(pk__in=list(subscription_ids)).update(
        cancel_at_period_end=True, updated_at=timezone.now()
    )


# --- Integrity check ---------------------------------------------------------------------------


def verify_balances() -> list[str]:
    """Every problem found: cached balances that differ from their entries, and currencies
    or transfers whose entries do not sum to zero. An empty list means the ledger is sound."""
    problems: list[str] = []
    derived = dict(Entry.objects.values_list("account_id").annotate(total=Sum("amount")).order_by())
    for account in LedgerAccount.objects.all():
        total = derived.get(account.pk, Decimal("0"))
        if total != account.balance:
            problems.append(f"account {account.pk}: cached {account.balance}, entries {total}")
    for currency, total in (
        Entry.objects.values_list("currency").annotate(total=Sum("amount")).order_by()
    ):
        if total != 0:
            problems.append(f"currency {currency} sums to {total}")
    for transfer_id, currency, total in (
        Entry.objects.values_list("transfer_id", "currency")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
        .order_by()
    ):
        problems.append(f"transfer {transfer_id} {currency} sums to {total}")
    return problems


# --- Repaying claims (credits.claims) ---------------------------------------------------------

D = TypeVar("D", bound=Model)


def repay_oldest_first(
    account: LedgerAccount,
    idempotency_key: str,
    debts: list[D],
    *,
    owed: Callable[[D], Decimal],
    settle: Callable[[D, Decimal], None],
    kind: str,
    memo: str,
    metadata_key: str,
) -> Decimal:
    """The part every claim's ``recover`` shares: with the earnings ``account`` and the
    claim's ``debts`` (oldest first) locked by the caller, in that order, repays as much as
    the account holds, debt by debt (``settle(debt, part)`` saves each), then posts one
    transfer from the earnings account to the platform's revenue account, which fronted the
    money. Returns the amount repaid; a replay of ``idempotency_key`` repays nothing."""
    if not debts or Transfer.objects.filter(idempotency_key=idempotency_key).exists():
        return Decimal("0")
    available = min(sum((owed(debt) for debt in debts), Decimal("0")), account.balance)
    if available <= 0:
        return Decimal("0")
    left = available
    repaid: dict[str, str] = {}
    for debt in debts:
        part = min(left, owed(debt))
        if part <= 0:
            break
        settle(debt, part)
        left -= part
        repaid[str(debt.pk)] = str(part)
    post_transfer(
        kind=kind,
        idempotency_key=idempotency_key,
        legs=[
            Leg(account, -available),
            Leg(platform_account(AccountKind.REVENUE, account.currency), available),
        ],
        memo=memo,
        metadata={metadata_key: repaid},
    )
    return available
