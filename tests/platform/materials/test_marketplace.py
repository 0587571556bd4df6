"""The pack marketplace: publishing, browsing, buying through the money issue's checkout,
downloads for buyers only, ratings by buyers, and refunds."""

from decimal import Decimal
from typing import Any

import pytest

from accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_teacher_publishes_a_pack_of_own_materials_only(
    api_client: Any, teacher: Any, role_user: Any, upload: Any
) -> None:
    colleague = role_user(Role.TEACHER)
    theirs = upload(colleague)
    mine = upload(teacher)
    api_client.force_login(teacher)
    body = {
        "title": "Pack",
        "language": "es",
        "level": "A2",
        "price": "10.00",
        "currency": "EUR",
        "materials": [mine["id"], theirs["id"]],
    }
    refused = api_client.post("/api/v1/material-packs/", body)
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_pack"

    invalid = api_client.post(
        "/api/v1/material-packs/",
        {**body, "level": "Z9", "price": "0.30", "materials": [], "preview": theirs["id"]},
    )
    assert invalid.status_code == 400
    assert {"level", "price", "materials"} <= set(invalid.json()["fields"])

    created = api_client.post(
        "/api/v1/material-packs/", {**body, "materials": [mine["id"]], "preview": mine["id"]}
    )
    assert created.status_code == 201, created.json()
    pack = created.json()
    assert pack["status"] == "draft"
    assert pack["items"][0]["is_preview"] is True
    # A draft is not in the marketplace, but its teacher sees it in "mine".
    api_client.logout()
    assert api_client.get("/api/v1/material-packs/").json()["count"] == 0
    assert api_client.get(f"/api/v1/material-packs/{pack['id']}/").status_code == 404
    api_client.force_login(teacher)
    assert api_client.get("/api/v1/material-packs/mine/").json()["count"] == 1
    assert api_client.post(f"/api/v1/material-packs/{pack['id']}/publish/").status_code == 200
    api_client.force_login(colleague)
    assert api_client.post(f"/api/v1/material-packs/{pack['id']}/unpublish/").status_code == 404
    assert (
        api_client.patch(f"/api/v1/material-packs/{pack['id']}/", {"price": "1.00"}).status_code
        == 404
    )
    api_client.logout()
    assert api_client.get("/api/v1/material-packs/").json()["count"] == 1


def test_browse_search_filter_and_paginate_with_pinned_queries(
    api_client: Any, teacher: Any, role_user: Any, make_pack: Any, assert_num_queries: Any
) -> None:
    from materials.models import MaterialPack

    make_pack(teacher, title="Spanish verbs", language="es", level="A2", price="10.00")
    make_pack(teacher, title="French listening", language="fr", level="B1", price="20.00")
    make_pack(teacher, title="Spanish idioms", language="es", level="C1", price="30.00")
    MaterialPack.objects.filter(title="Spanish idioms").update(rating_average=Decimal("4.50"))
    api_client.logout()

    def titles(query: str, queries: int = 2) -> list[str]:
        # count, page (teacher joined, items counted in the same query)
        with assert_num_queries(queries):
            answer = api_client.get(f"/api/v1/material-packs/{query}")
        assert answer.status_code == 200, answer.json()
        return [row["title"] for row in answer.json()["results"]]

    assert len(titles("")) == 3
    assert titles("?language=ES&ordering=price") == ["Spanish verbs", "Spanish idioms"]
    assert titles("?level=B1&level=C1&ordering=-price") == ["Spanish idioms", "French listening"]
    assert titles("?min_price=15&max_price=25") == ["French listening"]
    assert titles("?min_rating=4") == ["Spanish idioms"]
    assert titles("?q=idiom") == ["Spanish idioms"]
    assert titles("?ordering=title&page_size=2") == ["French listening", "Spanish idioms"]
    assert titles("?ordering=title&page_size=2&page=2") == ["Spanish verbs"]
    bad = api_client.get("/api/v1/material-packs/?level=Z9")
    assert bad.status_code == 400

    for number in range(4):
        make_pack(teacher, title=f"More {number}")
    api_client.logout()
    assert len(titles("")) == 7  # still 2 queries with more rows


def test_detail_shows_items_and_only_the_sample_is_downloadable_before_buying(
    api_client: Any, teacher: Any, student: Any, make_pack: Any
) -> None:
    pack = make_pack(teacher)
    api_client.force_login(student)
    detail = api_client.get(f"/api/v1/material-packs/{pack['id']}/").json()
    assert detail["owned"] is False
    sample, paid = detail["items"]
    assert sample["is_preview"] and sample["download_url"]
    assert paid["download_url"] is None
    assert api_client.get(sample["download_url"]).status_code == 200
    assert api_client.get(f"/api/v1/materials/{paid['id']}/download/").status_code == 404


def test_buying_pays_the_teacher_less_commission_and_unlocks_downloads(
    api_client: Any,
    teacher: Any,
    student: Any,
    other_student: Any,
    make_pack: Any,
    buy_pack: Any,
    assert_num_queries: Any,
) -> None:
    from credits.models import AccountKind
    from credits.services import platform_account, user_account
    from materials.models import PackPurchase

    pack = make_pack(teacher, price="12.50")
    payment = buy_pack(pack["id"], student)
    assert payment.status == "succeeded"
    assert payment.amount == Decimal("12.50")
    purchase = PackPurchase.objects.get(pack_id=pack["id"], learner=student)
    assert purchase.payment_id == payment.pk

    # The payouts app's default teacher commission (20 %) stays with the platform.
    assert user_account(teacher, AccountKind.EARNINGS, "EUR").balance == Decimal("10.00")
    assert platform_account(AccountKind.COMMISSIONS, "EUR").balance == Decimal("2.50")

    api_client.force_login(student)
    detail = api_client.get(f"/api/v1/material-packs/{pack['id']}/").json()
    assert detail["owned"] is True
    paid_item = detail["items"][1]
    download = api_client.get(paid_item["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    # session, user, count, page
    with assert_num_queries(4):
        purchases = api_client.get("/api/v1/material-packs/purchased/")
    assert purchases.json()["results"][0]["pack"]["id"] == pack["id"]
    assert purchases.json()["results"][0]["item_count"] == 2

    # Someone who did not buy: still 404 on the paid item.
    api_client.force_login(other_student)
    assert api_client.get(paid_item["download_url"]).status_code == 404
    assert api_client.get("/api/v1/material-packs/purchased/").json()["count"] == 0


def test_one_purchase_per_learner_and_checkout_is_idempotent(
    api_client: Any, teacher: Any, student: Any, make_pack: Any, buy_pack: Any, providers: Any
) -> None:
    from payments.models import Payment

    pack = make_pack(teacher)
    api_client.force_login(student)
    first = api_client.post(f"/api/v1/material-packs/{pack['id']}/buy/", {"provider": "stripe"})
    second = api_client.post(f"/api/v1/material-packs/{pack['id']}/buy/", {"provider": "stripe"})
    assert first.status_code == second.status_code == 200
    assert first.json()["payment_id"] == second.json()["payment_id"]
    assert Payment.objects.filter(user=student, purpose="material_pack").count() == 1

    buy_pack(pack["id"], student)
    again = api_client.post(f"/api/v1/material-packs/{pack['id']}/buy/", {"provider": "stripe"})
    assert again.status_code == 409
    assert again.json()["code"] == "already_purchased"

    # A replayed webhook creates nothing new.
    from payments.testing import stripe_event

    payment = Payment.objects.get(user=student, purpose="material_pack")
    payload, headers = stripe_event(
        "payment_intent.succeeded", providers.intents[payment.provider_order_id]
    )
    api_client.logout()
    replay = api_client.generic(
        "POST",
        "/api/v1/payments/webhooks/stripe/",
        payload,
        content_type="application/json",
        **headers,
    )
    assert replay.status_code == 200
    from credits.models import AccountKind
    from credits.services import user_account
    from materials.models import PackPurchase

    assert PackPurchase.objects.filter(learner=student).count() == 1
    assert user_account(teacher, AccountKind.EARNINGS, "EUR").balance == Decimal("10.00")


def test_teacher_cannot_buy_own_pack_and_hidden_packs_are_not_for_sale(
    api_client: Any, teacher: Any, student: Any, make_pack: Any, providers: Any
) -> None:
    from materials.models import MaterialPack
    from materials.services import moderate_pack

    pack = make_pack(teacher)
    api_client.force_login(teacher)
    own = api_client.post(f"/api/v1/material-packs/{pack['id']}/buy/", {"provider": "stripe"})
    assert own.status_code == 400
    moderate_pack(MaterialPack.objects.get(pk=pack["id"]), hidden=True, note="Copyright")
    api_client.force_login(student)
    hidden = api_client.post(f"/api/v1/material-packs/{pack['id']}/buy/", {"provider": "stripe"})
    assert hidden.status_code == 404
    assert api_client.get("/api/v1/material-packs/").json()["count"] == 0


def test_ratings_by_buyers_once_with_aggregates(
    api_client: Any,
    teacher: Any,
    student: Any,
    other_student: Any,
    role_user: Any,
    make_pack: Any,
    buy_pack: Any,
    assert_num_queries: Any,
) -> None:
    pack = make_pack(teacher)
    api_client.force_login(student)
    refused = api_client.post(f"/api/v1/material-packs/{pack['id']}/ratings/", {"rating": 5})
    assert refused.status_code == 403
    assert refused.json()["code"] == "rating_not_allowed"

    third = role_user(Role.STUDENT)
    for learner, stars in ((student, 5), (other_student, 4), (third, 4)):
        buy_pack(pack["id"], learner)
        api_client.force_login(learner)
        answer = api_client.post(
            f"/api/v1/material-packs/{pack['id']}/ratings/", {"rating": stars, "text": "Useful"}
        )
        assert answer.status_code == 201, answer.json()
    twice = api_client.post(f"/api/v1/material-packs/{pack['id']}/ratings/", {"rating": 1})
    assert twice.status_code == 409
    out_of_range = api_client.post(f"/api/v1/material-packs/{pack['id']}/ratings/", {"rating": 6})
    assert out_of_range.status_code == 400
    assert "rating" in out_of_range.json()["fields"]

    api_client.logout()
    detail = api_client.get(f"/api/v1/material-packs/{pack['id']}/").json()
    assert (detail["rating_average"], detail["rating_count"]) == ("4.33", 3)
    # count, pack (get_object), page with learners joined
    with assert_num_queries(3):
        ratings = api_client.get(f"/api/v1/material-packs/{pack['id']}/ratings/")
    assert ratings.json()["count"] == 3


def test_admin_refund_reverses_the_earning_and_ends_access(
    api_client: Any, teacher: Any, student: Any, make_pack: Any, buy_pack: Any
) -> None:
    from credits.models import AccountKind
    from credits.services import platform_account, user_account
    from materials.models import PackPurchase
    from payments.services import refund_payment

    pack = make_pack(teacher, price="12.50")
    payment = buy_pack(pack["id"], student)
    api_client.force_login(student)
    api_client.post(f"/api/v1/material-packs/{pack['id']}/ratings/", {"rating": 2})
    paid_item = api_client.get(f"/api/v1/material-packs/{pack['id']}/").json()["items"][1]

    refund_payment(payment, amount=Decimal("5.00"), reason="partial", idempotency_key="r1")
    # Partial: the teacher and the platform give back their share; access stays.
    assert user_account(teacher, AccountKind.EARNINGS, "EUR").balance == Decimal("6.00")
    assert platform_account(AccountKind.COMMISSIONS, "EUR").balance == Decimal("1.50")
    assert api_client.get(paid_item["download_url"]).status_code == 200

    refund_payment(payment, reason="the rest", idempotency_key="r2")
    assert user_account(teacher, AccountKind.EARNINGS, "EUR").balance == Decimal("0.00")
    assert platform_account(AccountKind.COMMISSIONS, "EUR").balance == Decimal("0.00")
    purchase = PackPurchase.objects.get(pk=PackPurchase.objects.get(learner=student).pk)
    assert purchase.status == "refunded"
    assert api_client.get(paid_item["download_url"]).status_code == 404
    detail = api_client.get(f"/api/v1/material-packs/{pack['id']}/").json()
    assert (detail["rating_count"], detail["owned"]) == (0, False)
