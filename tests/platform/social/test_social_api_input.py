"""Input the social API refused with a 500 when schemathesis generated it (#14), and the
paginated answers its schema documents."""

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("target", "target_id"),
    [
        ("comment", "null,null"),
        ("moment", "null,null"),
        ("comment", "-1"),
        ("moment", "99999999999999999999999"),
        ("profile", "not-a-uuid"),
    ],
)
def test_a_report_on_an_id_of_the_wrong_kind_is_a_field_error(
    other_student: Any, client_for: Any, target: str, target_id: str
) -> None:
    response = client_for(other_student).post(
        "/api/v1/social/reports/",
        {"target": target, "target_id": target_id, "category": "spam"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == ["target_id"]


def test_paginated_lists_are_documented_as_pages(other_student: Any, client_for: Any) -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    client = client_for(other_student)
    for path in ("reports", "actions", "appeals", "bookmarks", "people"):
        body = client.get(f"/api/v1/social/{path}/").json()
        assert {"count", "next", "previous", "results"} <= set(body), path
        answer = schema["paths"][f"/api/v1/social/{path}/"]["get"]["responses"]["200"]
        ref = answer["content"]["application/json"]["schema"]["$ref"]
        documented = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert {"count", "next", "previous", "results"} <= set(documented["properties"]), path
