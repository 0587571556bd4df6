"""Moderation in the Wagtail admin, through the admin's own pages."""

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

PACKS = "/admin/materials/packs/"
LIBRARY = "/admin/materials/library/"


def test_moderator_finds_and_hides_a_pack(
    client: Any, api_client: Any, moderator: Any, teacher: Any, make_pack: Any
) -> None:
    pack = make_pack(teacher, title="Spanish idioms")
    make_pack(teacher, title="French verbs", language="fr")
    client.force_login(moderator)
    listing = client.get(PACKS)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Spanish idioms" in html and "French verbs" in html and "tomas@example.com" in html
    searched = client.get(PACKS, {"q": "idioms"}).content.decode()
    assert "Spanish idioms" in searched and "French verbs" not in searched
    assert f"{PACKS}" in client.get("/admin/").content.decode()
    assert client.get(f"{PACKS}add/").status_code == 404

    edit = client.get(f"{PACKS}edit/{pack['id']}/")
    assert edit.status_code == 200
    saved = client.post(
        f"{PACKS}edit/{pack['id']}/", {"hidden": "on", "moderation_note": "Copied content"}
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    api_client.logout()
    titles = [row["title"] for row in api_client.get("/api/v1/material-packs/").json()["results"]]
    assert titles == ["French verbs"]
    hidden_only = client.get(PACKS, {"hidden": "true"}).content.decode()
    assert "Spanish idioms" in hidden_only and "French verbs" not in hidden_only


def test_moderator_hides_a_material_from_everyone_but_its_teacher(
    client: Any, api_client: Any, moderator: Any, teacher: Any, student: Any, make_pack: Any
) -> None:
    pack = make_pack(teacher)
    sample = pack["items"][0]
    client.force_login(moderator)
    assert "Sample" in client.get(LIBRARY).content.decode()
    saved = client.post(f"{LIBRARY}edit/{sample['id']}/", {"hidden": "on"})
    assert saved.status_code == 302
    api_client.force_login(student)
    assert api_client.get(sample["download_url"]).status_code == 404
    api_client.force_login(teacher)
    assert api_client.get(sample["download_url"]).status_code == 200


def test_learners_and_teachers_cannot_moderate(client: Any, teacher: Any, student: Any) -> None:
    for user in (teacher, student):
        client.force_login(user)
        assert client.get(PACKS).status_code in (302, 403)
