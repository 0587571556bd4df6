"""A teacher's free slots (``teachers/{id}/slots/`` and ``teachers/{id}/next-slots/``) answer
exactly what the committed schema (docs/api/openapi.yaml) describes. schemathesis never sends
a valid teacher id, so its run only ever sees their 404: here a verified teacher with hours
answers for real and schemathesis's own checks judge the answer (as tests/api/
test_schemathesis.py does), then every field answered must be one the schema names and every
field the schema names must be answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.testing.connections import kept_connection

pytestmark = pytest.mark.django_db

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"
CHECKS = [response_schema_conformance, status_code_conformance, content_type_conformance]

schema = schemathesis.openapi.from_path(SCHEMA_FILE)
schema.app = get_wsgi_application()


def _resolve(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = schema.raw_schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def undescribed(value: Any, node: Any, where: str = "") -> list[str]:
    """Fields answered that the schema does not name, and fields it names that are missing."""
    node = _resolve(node)
    if isinstance(value, list):
        return [p for item in value for p in undescribed(item, node.get("items", {}), where + "[]")]
    if not isinstance(value, dict):
        return []
    described = node.get("properties", {})
    problems = [f"{where}.{name}: answered, not in the schema" for name in value.keys() - described]
    problems += [
        f"{where}.{name}: in the schema, not answered" for name in described - value.keys()
    ]
    for name in value.keys() & described.keys():
        problems += undescribed(value[name], described[name], f"{where}.{name}")
    return problems


def _tomorrow() -> str:
    return (datetime.now(tz=UTC) + timedelta(days=1)).date().isoformat()


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/teachers/{id}/slots/", {"from": "TOMORROW", "to": "TOMORROW", "duration": 30}),
        ("/api/v1/teachers/{id}/next-slots/", {}),
    ],
)
def test_a_teachers_free_slots_answer_what_the_schema_describes(
    make_listing: Any, make_gig: Any, path: str, query: dict[str, Any]
) -> None:
    listing = make_listing()  # open 09:00-17:00 UTC every day
    gig = make_gig(listing, durations={30: "15.00", 60: "30.00"})
    query = {k: _tomorrow() if v == "TOMORROW" else v for k, v in query.items()}
    operation = schema[path]["GET"]
    case = operation.Case(
        path_parameters={"id": str(listing.pk)},
        query={**query, "tz": "Asia/Kolkata", "gig": gig.pk},
    )
    with kept_connection():
        response = case.call()
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["slots"], "a teacher open every day has free slots"
    assert all(slot["start"].endswith("+05:30") for slot in answer["slots"])
    case.validate_response(response, checks=CHECKS)
    documented = operation.definition.raw["responses"]["200"]["content"]["application/json"]
    assert undescribed(answer, documented["schema"]) == []


@pytest.mark.parametrize(
    "path", ["/api/v1/teachers/{id}/slots/", "/api/v1/teachers/{id}/next-slots/"]
)
@pytest.mark.parametrize(
    "query",
    [{"gig": "abc"}, {"duration": "long"}, {"tz": "Mars/Olympus"}],
    ids=["gig", "duration", "tz"],
)
def test_bad_slot_queries_answer_400_in_the_error_shape(
    make_listing: Any, path: str, query: dict[str, str]
) -> None:
    listing = make_listing()
    case = schema[path]["GET"].Case(path_parameters={"id": str(listing.pk)}, query=query)
    with kept_connection():
        response = case.call()
    assert response.status_code == 400, response.text
    assert set(query) <= set(response.json().get("fields", {})), response.json()
