"""Free packs (price 0): teachers give a pack away; a learner "gets" it once, which records a
purchase of 0 without the payment provider or the ledger, so downloads, "My materials" and
ratings work as for bought packs. Paid packs keep the checkout."""

from decimal import Decimal
from typing import Any

import pytest

from accounts.roles import Role

pytestmark = pytest.mark.django_db


def _get(api_client: Any, pack_id: str) -> Any:
    return api_client.post(f"/api/v1/material-packs/{pack_id}/get/")


def test_a_pack_is_free_at_0_and_paid_from_0_50(
    api_client: Any, teacher: Any, upload: Any, make_pack: Any
) -> None:
    material = upload(teacher)
    api_client.force_login(teacher)
    body = {
        "title": "Pack",
        "language": "es",
        "level": "A2",
        "currency": "EUR",
        "materials": [material["id"]],
    }
    for price in ("0.30", "0.01", "-1"):
        refused = api_client.post("/api/v1/material-packs/", {**body, "price": price})
        assert refused.status_code == 400, price
        assert "price" in refused.json()["fields"]
    free = api_client.post("/api/v1/material-packs/", {**body, "price": "0"})
    assert free.status_code == 201, free.json()
    assert (free.json()["price"], free.json()["is_free"]) == ("0.00", True)
    paid = make_pack(teacher, price="0.50")
    assert paid["is_free"] is False
    # A sold pack can become free (later learners get it for nothing) and back.
    changed = api_client.patch(f"/api/v1/material-packs/{paid['id']}/", {"price": "0"})
    assert changed.json()["is_free"] is True
    assert (
        api_client.patch(f"/api/v1/material-packs/{paid['id']}/", {"price": "0.2"}).status_code
        == 400
    )


def test_the_database_refuses_a_price_between_free_and_the_minimum(
    teacher: Any, make_pack: Any
) -> None:
    from django.db import IntegrityError, transaction

    from materials.models import MaterialPack

    pack = make_pack(teacher)
    with pytest.raises(IntegrityError), transaction.atomic():
        MaterialPack.objects.filter(pk=pack["id"]).update(price=Decimal("0.10"))


def test_getting_a_free_pack_records_a_purchase_without_money(
    api_client: Any, teacher: Any, student: Any, make_pack: Any
) -> None:
    from credits.models import Transfer
    from payments.models import Payment

    pack = make_pack(teacher, price="0")
    api_client.force_login(student)
    detail = api_client.get(f"/api/v1/material-packs/{pack['id']}/").json()
    assert detail["owned"] is False and detail["items"][1]["download_url"] is None

    got = _get(api_client, pack["id"])
    assert got.status_code == 201, got.json()
    assert (got.json()["amount"], got.json()["currency"], got.json()["status"]) == (
        "0.00",
        "EUR",
        "paid",
    )
    assert got.json()["pack"]["is_free"] is True
    assert Payment.objects.count() == 0
    assert Transfer.objects.count() == 0

    detail = api_client.get(f"/api/v1/material-packs/{pack['id']}/").json()
    assert detail["owned"] is True
    assert api_client.get(detail["items"][1]["download_url"]).status_code == 200
    purchased = api_client.get("/api/v1/material-packs/purchased/").json()
    assert [row["pack"]["id"] for row in purchased["results"]] == [pack["id"]]

    # Once per learner.
    again = _get(api_client, pack["id"])
    assert (again.status_code, again.json()["code"]) == (409, "already_purchased")
    # A free pack never reaches the checkout.
    checkout = api_client.post(f"/api/v1/material-packs/{pack['id']}/buy/", {"provider": "stripe"})
    assert (checkout.status_code, checkout.json()["code"]) == (409, "pack_is_free")

    # Ratings work as for buyers, once.
    rated = api_client.post(f"/api/v1/material-packs/{pack['id']}/ratings/", {"rating": 5})
    assert rated.status_code == 201, rated.json()
    twice = api_client.post(f"/api/v1/material-packs/{pack['id']}/ratings/", {"rating": 1})
    assert twice.status_code == 409
    assert api_client.get(f"/api/v1/material-packs/{pack['id']}/").json()["rating_count"] == 1


def test_who_may_get_a_free_pack(
    api_client: Any, teacher: Any, role_user: Any, make_pack: Any
) -> None:
    free = make_pack(teacher, price="0")
    paid = make_pack(teacher, price="5.00")
    unverified = role_user(Role.STUDENT, verified=False)
    api_client.force_login(unverified)
    refused = _get(api_client, free["id"])
    assert (refused.status_code, refused.json()["code"]) == (403, "email_not_verified")

    api_client.logout()
    assert _get(api_client, free["id"]).status_code in (401, 403)

    api_client.force_login(teacher)
    assert _get(api_client, free["id"]).json()["code"] == "pack_not_for_sale"

    learner = role_user(Role.STUDENT)
    api_client.force_login(learner)
    not_free = _get(api_client, paid["id"])
    assert (not_free.status_code, not_free.json()["code"]) == (409, "pack_not_free")
    # Unpublished: gone from the marketplace, not to be got.
    api_client.force_login(teacher)
    api_client.post(f"/api/v1/material-packs/{free['id']}/unpublish/")
    api_client.force_login(learner)
    assert _get(api_client, free["id"]).status_code == 404


def test_refunded_buyer_gets_the_pack_again_once_it_is_free(
    api_client: Any, teacher: Any, student: Any, make_pack: Any, buy_pack: Any
) -> None:
    from materials.models import PackPurchase
    from payments.services import refund_payment

    pack = make_pack(teacher, price="4.00")
    payment = buy_pack(pack["id"], student)
    refund_payment(payment, reason="changed mind", idempotency_key="free-r1")
    api_client.force_login(teacher)
    api_client.patch(f"/api/v1/material-packs/{pack['id']}/", {"price": "0"})
    api_client.force_login(student)
    assert _get(api_client, pack["id"]).status_code == 201
    purchase = PackPurchase.objects.get(learner=student)
    assert (purchase.status, purchase.amount, purchase.payment_id) == ("paid", 0, None)


def test_marketplace_filters_free_packs_with_pinned_queries(
    api_client: Any, teacher: Any, make_pack: Any, assert_num_queries: Any
) -> None:
    make_pack(teacher, title="Free verbs", price="0")
    make_pack(teacher, title="Paid idioms", price="8.00")
    make_pack(teacher, title="Free songs", price="0")
    api_client.logout()

    def titles(query: str) -> list[str]:
        with assert_num_queries(2):
            answer = api_client.get(f"/api/v1/material-packs/?ordering=title&{query}")
        assert answer.status_code == 200, answer.json()
        return [row["title"] for row in answer.json()["results"]]

    assert titles("free=true") == ["Free songs", "Free verbs"]
    assert titles("free=false") == ["Paid idioms"]
    assert len(titles("")) == 3
    assert titles("max_price=0") == ["Free songs", "Free verbs"]
    for number in range(3):
        make_pack(teacher, title=f"Free {number}", price="0")
    api_client.logout()
    assert len(titles("free=true")) == 5  # still 2 queries


def test_website_shows_free_filters_and_gets_the_pack(
    client: Any,
    teacher: Any,
    student: Any,
    role_user: Any,
    make_pack: Any,
    assert_num_queries: Any,
) -> None:
    free = make_pack(teacher, title="Free verbs", price="0")
    make_pack(teacher, title="Paid idioms", price="8.00")
    client.logout()
    html = client.get("/materials/packs/").content.decode()
    assert '<span class="free">Free</span>' in html and "8.00 EUR" in html
    html = client.get("/materials/packs/", {"free": "true"}).content.decode()
    assert "Free verbs" in html and "Paid idioms" not in html
    assert '<option value="true" selected>' in html
    # As the form sends it: every field, "Any" being empty.
    html = client.get(
        "/materials/packs/?q=&language=&level=&free=true&max_price=&min_rating=&sort=new"
    ).content.decode()
    assert "Free verbs" in html and "Paid idioms" not in html
    assert "Some filters were not understood" not in html
    html = client.get("/materials/packs/", {"free": "false"}).content.decode()
    assert "Free verbs" not in html and "Paid idioms" in html

    detail = client.get(f"/materials/packs/{free['id']}/").content.decode()
    assert "Sign in to get this pack" in detail
    unverified = role_user(Role.STUDENT, verified=False)
    client.force_login(unverified)
    client.post(f"/materials/packs/{free['id']}/get/")
    assert (
        "Verify your email address"
        in client.get(f"/materials/packs/{free['id']}/").content.decode()
    )

    client.force_login(student)
    detail = client.get(f"/materials/packs/{free['id']}/").content.decode()
    assert "Get it free" in detail and "Buy for" not in detail
    got = client.post(f"/materials/packs/{free['id']}/get/")
    assert got.status_code == 302
    detail = client.get(f"/materials/packs/{free['id']}/").content.decode()
    assert "This pack is yours." in detail and "Rate this pack" in detail
    assert "Free verbs" in client.get("/materials/").content.decode()
    again = client.post(f"/materials/packs/{free['id']}/get/", follow=True).content.decode()
    assert "You already own this pack." in again
