"""The person's materials data for the data-portability export (collected by
``accounts.selectors.export_personal_data`` under the key ``materials``).

Files are listed by title, type and size, not embedded: the person downloads them through
the usual permission-checked view."""

from typing import Any

from accounts.models import User

from .models import (
    EarningsDebt,
    Material,
    MaterialPack,
    MaterialShare,
    PackPurchase,
    PackRating,
)


def export_personal_data(user: User) -> dict[str, Any]:
    library = Material.objects.filter(teacher=user)
    # taggit's manager is untyped: the stubs' plugin cannot see that "tags" prefetches.
    library = library.prefetch_related("tags", "shares")  # type: ignore[misc]
    return {
        "library": [
            {
                "id": str(material.pk),
                "title": material.title,
                "description": material.description,
                "kind": material.kind,
                "content_type": material.content_type,
                "original_name": material.original_name,
                "size": material.size,
                "tags": sorted(tag.name for tag in material.tags.all()),
                "created_at": material.created_at.isoformat(),
                "shared_with": [str(share.learner_id) for share in material.shares.all()],
            }
            for material in library
        ],
        "packs": [
            {
                "id": str(pack.pk),
                "title": pack.title,
                "description": pack.description,
                "language": pack.language,
                "level": pack.level,
                "price": str(pack.price),
                "currency": pack.currency,
                "status": pack.status,
                "materials": [str(item.material_id) for item in pack.items.all()],
            }
            for pack in MaterialPack.objects.filter(teacher=user).prefetch_related("items")
        ],
        "shared_with_me": [
            {
                "material": str(share.material_id),
                "title": share.material.title,
                "teacher": str(share.material.teacher_id),
                "shared_at": share.shared_at.isoformat(),
            }
            for share in MaterialShare.objects.filter(learner=user).select_related("material")
        ],
        "purchases": [
            {
                "pack": str(purchase.pack_id),
                "title": purchase.pack.title,
                "amount": str(purchase.amount),
                "currency": purchase.currency,
                "status": purchase.status,
                "payment": str(purchase.payment_id) if purchase.payment_id else None,
                "purchased_at": purchase.purchased_at.isoformat(),
            }
            for purchase in PackPurchase.objects.filter(learner=user).select_related("pack")
        ],
        "ratings": [
            {
                "pack": str(rating.pack_id),
                "rating": rating.rating,
                "text": rating.text,
                "created_at": rating.created_at.isoformat(),
            }
            for rating in PackRating.objects.filter(learner=user)
        ],
        "refund_debts": [
            {
                "pack": str(debt.pack_id),
                "refund": str(debt.refund_id),
                "amount": str(debt.amount),
                "recovered": str(debt.recovered),
                "currency": debt.currency,
                "created_at": debt.created_at.isoformat(),
            }
            for debt in EarningsDebt.objects.filter(teacher=user)
        ],
    }


def erase_personal_data(user: User) -> dict[str, int]:
    """Account deletion's part here (called by accounts.services.delete_account inside its
    transaction; the contract is in accounts.selectors.export_personal_data).

    * Shares with the person end, and their ratings lose their text (the stars stay in the
      aggregates: other buyers relied on them).
    * Purchases stay: the payment records they point at must be kept by law.
    * As a teacher: packs leave the marketplace; materials no buyer paid for are deleted
      with their files; materials inside sold packs stay for their buyers.
    """
    from django.db import transaction

    from .models import PackItem, PackStatus

    with transaction.atomic():
        shares = MaterialShare.objects.filter(learner=user).delete()[0]
        ratings = PackRating.objects.filter(learner=user).exclude(text="").update(text="")
        unpublished = MaterialPack.objects.filter(teacher=user).update(status=PackStatus.DRAFT)
        sold = Material.objects.filter(
            teacher=user, pack_items__pack__purchases__isnull=False
        ).values("pk")
        removable = Material.objects.filter(teacher=user).exclude(pk__in=sold)
        PackItem.objects.filter(material__in=removable).delete()
        names = list(removable.values_list("file", flat=True))
        removable.delete()
        transaction.on_commit(lambda: _delete_files(names))
    return {
        "shares_ended": shares,
        "ratings_cleared": ratings,
        "packs_unpublished": unpublished,
        "materials_deleted": len(names),
    }


def _delete_files(names: list[str]) -> None:
    from core.uploads import private_storage

    storage = private_storage()
    for name in names:
        storage.delete(name)
