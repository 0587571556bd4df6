"""Query counts of the remaining lists (the teacher's learners, a material's shares, the
teacher's packs) do not grow with rows; and a few edges: a sold material cannot be deleted,
a pack's sample must be one of its items."""

from typing import Any

import pytest

from accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_learners_shares_and_own_packs_lists_have_fixed_costs(
    api_client: Any,
    teacher: Any,
    role_user: Any,
    upload: Any,
    book_lesson: Any,
    make_pack: Any,
    assert_num_queries: Any,
) -> None:
    material = upload(teacher)
    make_pack(teacher)

    def grow(count: int) -> None:
        for _ in range(count):
            learner = role_user(Role.STUDENT)
            book_lesson(teacher, learner)
            api_client.force_login(teacher)
            api_client.post(
                f"/api/v1/materials/{material['id']}/shares/", {"learner": str(learner.pk)}
            )
        make_pack(teacher)

    for rows in (1, 4):
        grow(rows)
        api_client.force_login(teacher)
        # session, user, roles (groups), count, page
        with assert_num_queries(5):
            learners = api_client.get("/api/v1/materials/learners/")
        assert learners.status_code == 200
        # session, user, material (get_object), count, page with learners joined
        with assert_num_queries(5):
            shares = api_client.get(f"/api/v1/materials/{material['id']}/shares/")
        assert shares.status_code == 200
        # session, user, count, page (teacher joined, items counted)
        with assert_num_queries(4):
            mine = api_client.get("/api/v1/material-packs/mine/")
        assert mine.status_code == 200
    assert learners.json()["count"] == 5
    assert shares.json()["count"] == 5
    assert mine.json()["count"] == 3


def test_a_material_in_a_pack_cannot_be_deleted(
    api_client: Any, teacher: Any, make_pack: Any
) -> None:
    pack = make_pack(teacher)
    api_client.force_login(teacher)
    answer = api_client.delete(f"/api/v1/materials/{pack['items'][1]['id']}/")
    assert answer.status_code == 409
    assert answer.json()["code"] == "material_in_use"


def test_pack_update_keeps_the_sample_among_its_items(
    api_client: Any, teacher: Any, upload: Any, make_pack: Any
) -> None:
    pack = make_pack(teacher)
    extra = upload(teacher, title="Extra")
    api_client.force_login(teacher)
    outside = api_client.patch(
        f"/api/v1/material-packs/{pack['id']}/", {"preview": extra["id"]}, format="json"
    )
    assert outside.status_code == 400
    changed = api_client.patch(
        f"/api/v1/material-packs/{pack['id']}/",
        {"materials": [extra["id"]], "preview": extra["id"], "price": "15.00"},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    body = changed.json()
    assert [item["title"] for item in body["items"]] == ["Extra"]
    assert body["items"][0]["is_preview"] and body["price"] == "15.00"
