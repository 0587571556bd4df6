"""Reads on materials. Who may see or download what is decided here, not in views.

Download policy (``downloadable``): a material's file goes to

* its teacher, always;
* a learner it is shared with;
* a buyer (purchase not refunded) of a pack that contains it, even if the pack was hidden
  from the marketplace since;
* anyone signed in, when it is the free sample of a listed pack.

A material a moderator hid goes to its teacher only.

Everyone else gets a 404, not a 403: they are not told the material exists.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import has_role
from tutoring.models import Booking, BookingStatus

from .models import (
    EarningsDebt,
    Material,
    MaterialPack,
    MaterialShare,
    PackItem,
    PackPurchase,
    PackRating,
    PackStatus,
    PurchaseStatus,
)

# A learner is the teacher's learner once a lesson was paid for: held, expired or cancelled
# holds do not count (anyone can hold a slot for a few minutes).
LEARNER_BOOKING_STATUSES = (
    BookingStatus.CONFIRMED,
    BookingStatus.IN_PROGRESS,
    BookingStatus.AWAITING_CONFIRMATION,
    BookingStatus.DISPUTED,
    BookingStatus.COMPLETED,
)


def is_teacher(user: User | AnonymousUser) -> bool:
    return isinstance(user, User) and has_role(user, Role.TEACHER)


def learners_of(teacher: User) -> QuerySet[User]:
    """The people who booked (and paid for) a lesson with the teacher."""
    booked = Booking.objects.filter(
        teacher_id=teacher.pk, learner_id=OuterRef("pk"), status__in=LEARNER_BOOKING_STATUSES
    )
    return User.objects.filter(Exists(booked)).order_by("first_name", "last_name", "email")


def is_learner_of(teacher: User, learner_id: Any) -> bool:
    return Booking.objects.filter(
        teacher_id=teacher.pk, learner_id=learner_id, status__in=LEARNER_BOOKING_STATUSES
    ).exists()


def library_of(teacher: User) -> QuerySet[Material]:
    return (
        Material.objects.filter(teacher=teacher)
        .annotate(share_count=Count("shares", distinct=True))
        .prefetch_related("tags")  # type: ignore[misc]  # taggit's manager is untyped
    )


def own_materials(teacher: User) -> QuerySet[Material]:
    """The teacher's materials, without the list's extras (tags, share counts)."""
    return Material.objects.filter(teacher_id=teacher.pk)


def shares_of(material: Material) -> QuerySet[MaterialShare]:
    return material.shares.select_related("learner")


def shared_with(learner: User) -> QuerySet[Material]:
    """What teachers shared with the learner, newest share first."""
    return (
        Material.objects.filter(shares__learner=learner, hidden=False)
        .annotate(shared_at=F("shares__shared_at"))
        .select_related("teacher")
        .prefetch_related("tags")  # type: ignore[misc]  # taggit's manager is untyped
        .order_by("-shared_at")
    )


def _paid_purchase(user: User, pack_ref: Any) -> QuerySet[PackPurchase]:
    return PackPurchase.objects.filter(
        pack=pack_ref, learner_id=user.pk, status=PurchaseStatus.PAID
    )


def downloadable(user: User | AnonymousUser) -> QuerySet[Material]:
    if not isinstance(user, User):
        return Material.objects.none()
    shared = MaterialShare.objects.filter(material=OuterRef("pk"), learner_id=user.pk)
    bought = PackItem.objects.filter(
        material=OuterRef("pk"),
        pack__purchases__learner_id=user.pk,
        pack__purchases__status=PurchaseStatus.PAID,
    )
    sample = PackItem.objects.filter(
        material=OuterRef("pk"),
        is_preview=True,
        pack__status=PackStatus.PUBLISHED,
        pack__hidden=False,
    )
    return Material.objects.filter(
        Q(teacher_id=user.pk)
        | (Q(hidden=False) & (Exists(shared) | Exists(bought) | Exists(sample)))
    )


def listed_packs() -> QuerySet[MaterialPack]:
    """The marketplace: published packs that no moderator hid."""
    return (
        MaterialPack.objects.filter(status=PackStatus.PUBLISHED, hidden=False)
        .select_related("teacher")
        .annotate(item_count=Count("items", distinct=True))
    )


def packs_of(teacher: User) -> QuerySet[MaterialPack]:
    return (
        MaterialPack.objects.filter(teacher=teacher)
        .select_related("teacher")
        .annotate(item_count=Count("items", distinct=True))
    )


def visible_packs(user: User | AnonymousUser) -> QuerySet[MaterialPack]:
    """Listed packs, the user's own (drafts too) and those they bought (even if hidden
    since)."""
    condition = Q(status=PackStatus.PUBLISHED, hidden=False)
    if isinstance(user, User):
        condition |= Q(teacher_id=user.pk) | Q(Exists(_paid_purchase(user, OuterRef("pk"))))
    return (
        MaterialPack.objects.filter(condition)
        .select_related("teacher")
        .annotate(item_count=Count("items", distinct=True))
    )


def pack_items(pack: MaterialPack) -> QuerySet[PackItem]:
    return pack.items.select_related("material")


def can_download_pack(user: User | AnonymousUser, pack: MaterialPack) -> bool:
    if not isinstance(user, User):
        return False
    return pack.teacher_id == user.pk or _paid_purchase(user, pack).exists()


def purchases_of(learner: User) -> QuerySet[PackPurchase]:
    return (
        PackPurchase.objects.filter(learner=learner, status=PurchaseStatus.PAID)
        .select_related("pack__teacher")
        .annotate(item_count=Count("pack__items", distinct=True))
        .order_by("-purchased_at", "pk")
    )


def ratings_of(pack: MaterialPack) -> QuerySet[PackRating]:
    return pack.ratings.select_related("learner")


def debts_of(teacher: User) -> QuerySet[EarningsDebt]:
    """The teacher's debts from pack refunds made after a payout, outstanding first."""
    return (
        EarningsDebt.objects.filter(teacher_id=teacher.pk)
        .select_related("pack")
        .order_by(F("settled_at").desc(nulls_first=True), "-created_at", "pk")
    )


def outstanding_debts(teacher: User) -> list[dict[str, Any]]:
    """What the teacher still owes, per currency: ``[{"currency", "amount"}]``."""
    rows = (
        EarningsDebt.objects.filter(teacher_id=teacher.pk, settled_at__isnull=True)
        .values("currency")
        .annotate(amount=Sum(F("amount") - F("recovered")))
        .order_by("currency")
    )
    return [{"currency": row["currency"], "amount": row["amount"]} for row in rows]
