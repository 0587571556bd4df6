"""The materials part of the data export, erasure on account deletion, and the demo data."""

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_export_holds_library_shares_purchases_and_ratings(
    api_client: Any,
    teacher: Any,
    student: Any,
    upload: Any,
    book_lesson: Any,
    make_pack: Any,
    buy_pack: Any,
) -> None:
    from accounts.selectors import export_personal_data

    book_lesson(teacher, student)
    handout = upload(teacher, title="Handout", tags=["verbs"])
    api_client.force_login(teacher)
    api_client.post(f"/api/v1/materials/{handout['id']}/shares/", {"learner": str(student.pk)})
    pack = make_pack(teacher)
    buy_pack(pack["id"], student)
    api_client.force_login(student)
    api_client.post(
        f"/api/v1/material-packs/{pack['id']}/ratings/", {"rating": 5, "text": "¡Bien!"}
    )

    mine = export_personal_data(student)["materials"]
    assert [row["title"] for row in mine["shared_with_me"]] == ["Handout"]
    assert mine["purchases"][0]["pack"] == pack["id"]
    assert mine["purchases"][0]["amount"] == "12.50"
    assert mine["ratings"][0]["text"] == "¡Bien!"
    assert mine["library"] == [] and mine["packs"] == []

    theirs = export_personal_data(teacher)["materials"]
    assert {row["title"] for row in theirs["library"]} == {"Handout", "Sample", "Workbook"}
    handout_row = next(row for row in theirs["library"] if row["title"] == "Handout")
    assert handout_row["shared_with"] == [str(student.pk)] and handout_row["tags"] == ["verbs"]
    assert theirs["packs"][0]["title"] == "Spanish A2 pack"
    # Nobody else's data leaks into either export.
    assert theirs["purchases"] == [] and theirs["shared_with_me"] == []


def test_erasure_keeps_what_buyers_paid_for(
    api_client: Any,
    teacher: Any,
    student: Any,
    upload: Any,
    book_lesson: Any,
    make_pack: Any,
    buy_pack: Any,
    other_student: Any,
    admin: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from core.uploads import private_storage
    from credits.models import AccountKind
    from credits.services import user_account
    from materials.models import Material, MaterialPack, MaterialShare, PackRating
    from materials.personal_data import erase_personal_data
    from payouts.services import pay_payout, request_payout
    from tutoring import tasks

    private = private_storage()
    # Deleting cancels the upcoming lesson on each side; its tasks are only queued here.
    queued: list[str] = []
    for task in (tasks.refund_booking, tasks.booking_cancelled):
        monkeypatch.setattr(task, "delay", lambda *args, name=task.name: queued.append(name))

    book_lesson(teacher, student)
    loose = upload(teacher, title="Loose")
    api_client.force_login(teacher)
    api_client.post(f"/api/v1/materials/{loose['id']}/shares/", {"learner": str(student.pk)})
    pack = make_pack(teacher)
    buy_pack(pack["id"], student)
    buy_pack(pack["id"], other_student)
    api_client.force_login(student)
    api_client.post(f"/api/v1/material-packs/{pack['id']}/ratings/", {"rating": 4, "text": "Nice"})

    # Deleting the account (the public surface) runs this app's erase hook.
    api_client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.delete("/api/v1/users/me/").status_code == 204
    assert not MaterialShare.objects.filter(learner=student).exists()
    rating = PackRating.objects.get()
    assert (rating.rating, rating.text) == (4, "")
    assert erase_personal_data(student) == {  # and running it again finds nothing left
        "shares_ended": 0,
        "ratings_cleared": 0,
        "packs_unpublished": 0,
        "materials_deleted": 0,
    }
    sold_file = Material.objects.get(pk=pack["items"][1]["id"]).file.name
    loose_file = Material.objects.get(pk=loose["id"]).file.name
    # The teacher's earnings from the packs are paid out first: deletion waits for money
    # owed to the person (payouts.personal_data).
    earned = user_account(teacher, AccountKind.EARNINGS, "EUR").balance
    payout = request_payout(
        teacher, amount=earned, currency="EUR", method="bank_transfer", idempotency_key="all"
    )
    pay_payout(payout, by=admin, reference="SEPA-1")
    api_client.force_login(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.delete("/api/v1/users/me/").status_code == 204
    assert not private.exists(loose_file) and private.exists(sold_file)
    assert not Material.objects.filter(pk=loose["id"]).exists()
    assert Material.objects.filter(teacher=teacher).count() == 2  # the sold pack's items
    assert MaterialPack.objects.get().status == "draft"
    assert not MaterialShare.objects.exists()
    api_client.force_login(other_student)
    item = pack["items"][1]
    assert api_client.get(item["download_url"]).status_code == 200  # a buyer keeps it


def test_demo_materials_are_idempotent_and_downloadable(client: Any) -> None:
    from django.contrib.auth import get_user_model

    from accounts.demo import DEMO_STEPS as accounts_steps
    from materials.demo import DEMO_STEPS as materials_steps
    from materials.models import Material, MaterialPack, MaterialShare
    from tutoring.demo import DEMO_STEPS as tutoring_steps

    steps = [*accounts_steps, *tutoring_steps, *materials_steps]
    first = [step() for step in steps]
    second = [step() for step in steps]
    assert any("3 new" in line for line in first), first
    assert any("0 new" in line for line in second), second
    teacher = get_user_model().objects.get(email="teacher@toto.localhost")
    student = get_user_model().objects.get(email="student@toto.localhost")
    assert Material.objects.filter(teacher=teacher).count() == 3
    assert set(Material.objects.values_list("kind", flat=True)) == {"pdf", "audio"}
    assert MaterialShare.objects.filter(learner=student).count() == 1
    pack = MaterialPack.objects.get(price__gt=0)
    assert pack.is_listed and pack.items.count() == 3
    free = MaterialPack.objects.get(price=0)
    assert free.is_listed and free.is_free and free.items.count() == 2

    client.force_login(student)
    html = client.get("/materials/").content.decode()
    assert "Ser or estar?" in html
    shared = Material.objects.get(shares__learner=student)
    answer = client.get(f"/api/v1/materials/{shared.pk}/download/")
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content).startswith(b"%PDF")
