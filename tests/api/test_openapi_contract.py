"""The API contract native clients are built against: docs/api/openapi.yaml is the committed
schema of /api/v1, and this test fails when the live schema breaks it (docs/api-versioning.md):
an operation removed, a response field removed or its type changed, an enum value removed, a
request field or parameter newly required. Additions pass (the committed file then lags; keep
it current). After an intended change (a new endpoint, or a break announced for v2), update it:

    .venv/bin/python manage.py spectacular --file docs/api/openapi.yaml --validate

Sign-up, login, e-mail verification and tokens are allauth headless's own API under
/api/auth/; its served specification (HEADLESS_SERVE_SPECIFICATION, /api/auth/openapi.yaml) is
committed as docs/api/auth-openapi.yaml and held to the same rules. After an allauth upgrade or
a change of its settings that is intended, save the served file again:

    DJANGO_SETTINGS_MODULE=toto.settings.test .venv/bin/python -c "import sys;\
    sys.path.insert(0, 'platform'); import django; django.setup();\
    from django.test import Client; open('docs/api/auth-openapi.yaml', 'wb').write(\
    Client().get('/api/auth/openapi.yaml', HTTP_HOST='localhost').content)"
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from drf_spectacular.generators import SchemaGenerator

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"
COMMITTED_AUTH = COMMITTED.with_name("auth-openapi.yaml")
METHODS = ("get", "put", "post", "patch", "delete")
UPDATE = "If the change is intended, see docs/api-versioning.md and update docs/api/openapi.yaml."


class Document:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema

    def resolve(self, node: Any) -> Any:
        """Follows ``#/components/<kind>/<name>`` references: schemas here, and also
        parameters, request bodies and responses in allauth's specification."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            _, kind, name = node["$ref"].rsplit("/", 2)
            node = self.schema.get("components", {}).get(kind, {}).get(name, {})
            seen += 1
        return node or {}


def _merged(document: Document, node: Any) -> dict[str, Any]:
    """A schema with its allOf parts folded in (drf-spectacular uses allOf for nullable refs)."""
    node = document.resolve(node)
    if not isinstance(node, dict):
        return {}
    if "allOf" in node:
        merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
        for part in node["allOf"]:
            part = _merged(document, part)
            merged.setdefault("properties", {}).update(part.get("properties", {}))
            merged["required"] = [*merged.get("required", []), *part.get("required", [])]
            for key in ("type", "enum", "items"):
                if key in part:
                    merged.setdefault(key, part[key])
        return merged
    return node


def compare_response(
    old_doc: Document,
    old: Any,
    new_doc: Document,
    new: Any,
    where: str,
    problems: list[str],
    depth: int = 0,
) -> None:
    if depth > 8:
        return
    old, new = _merged(old_doc, old), _merged(new_doc, new)
    if "oneOf" in old or "anyOf" in old:
        return  # polymorphic answers: judged by their own components' enums below
    if old.get("type") and new.get("type") and old["type"] != new["type"]:
        problems.append(f"{where}: type {old['type']} became {new['type']}")
        return
    if "enum" in old and "enum" in new:
        gone = [v for v in old["enum"] if v not in new["enum"]]
        if gone:
            problems.append(f"{where}: enum values removed: {gone}")
    for name, prop in old.get("properties", {}).items():
        if name not in new.get("properties", {}):
            problems.append(f"{where}.{name}: response field removed")
            continue
        compare_response(
            old_doc, prop, new_doc, new["properties"][name], f"{where}.{name}", problems, depth + 1
        )
    if "items" in old and "items" in new:
        compare_response(
            old_doc, old["items"], new_doc, new["items"], f"{where}[]", problems, depth + 1
        )


def compare_request(
    old_doc: Document,
    old: Any,
    new_doc: Document,
    new: Any,
    where: str,
    problems: list[str],
    depth: int = 0,
) -> None:
    if depth > 8:
        return
    old, new = _merged(old_doc, old), _merged(new_doc, new)
    before = set(old.get("required", []))
    for name in new.get("required", []):
        if name not in before:
            problems.append(f"{where}.{name}: request field newly required")
    for name, prop in new.get("properties", {}).items():
        if name in old.get("properties", {}):
            compare_request(
                old_doc,
                old["properties"][name],
                new_doc,
                prop,
                f"{where}.{name}",
                problems,
                depth + 1,
            )
    if "enum" in old and "enum" in new:
        gone = [v for v in old["enum"] if v not in new["enum"]]
        if gone:
            problems.append(f"{where}: accepted enum values removed: {gone}")


def _json_body(node: dict[str, Any]) -> Any:
    content = node.get("content", {})
    for media in ("application/json", "multipart/form-data", "application/x-www-form-urlencoded"):
        if media in content:
            return content[media].get("schema", {})
    return None


def breaking_changes(committed: dict[str, Any], live: dict[str, Any]) -> list[str]:
    old_doc, new_doc = Document(committed), Document(live)
    problems: list[str] = []
    for path, old_item in committed.get("paths", {}).items():
        new_item = live.get("paths", {}).get(path)
        for method in METHODS:
            if method not in old_item:
                continue
            where = f"{method.upper()} {path}"
            if not new_item or method not in new_item:
                problems.append(f"{where}: operation removed")
                continue
            old_op, new_op = old_item[method], new_item[method]
            old_params = {
                (p["in"], p["name"]): p
                for p in map(old_doc.resolve, [*old_item.get("parameters", []),
                                               *old_op.get("parameters", [])])
            }  # fmt: skip
            new_params = map(
                new_doc.resolve, [*new_item.get("parameters", []), *new_op.get("parameters", [])]
            )
            for param in new_params:
                key = (param["in"], param["name"])
                if param.get("required") and not old_params.get(key, {}).get("required"):
                    problems.append(
                        f"{where}: parameter {param['name']} ({param['in']}) newly required"
                    )
                if key in old_params:
                    compare_request(
                        old_doc,
                        old_params[key].get("schema"),
                        new_doc,
                        param.get("schema"),
                        f"{where} ?{param['name']}",
                        problems,
                    )
            old_request = old_doc.resolve(old_op.get("requestBody", {}))
            new_request = new_doc.resolve(new_op.get("requestBody", {}))
            old_body, new_body = _json_body(old_request), _json_body(new_request)
            if new_body is not None:
                if old_body is None and new_request.get("required"):
                    problems.append(f"{where}: request body newly required")
                elif old_body is not None:
                    compare_request(old_doc, old_body, new_doc, new_body, f"{where} body", problems)
            for code, old_response in old_op.get("responses", {}).items():
                if not str(code).startswith("2"):
                    continue
                new_response = new_op.get("responses", {}).get(code)
                if new_response is None:
                    problems.append(f"{where}: response {code} removed")
                    continue
                old_schema = _json_body(old_doc.resolve(old_response))
                new_schema = _json_body(new_doc.resolve(new_response))
                if old_schema is not None and new_schema is not None:
                    compare_response(
                        old_doc, old_schema, new_doc, new_schema, f"{where} {code}", problems
                    )
    # Enums by component name: a value a client may receive must not disappear.
    new_components = live.get("components", {}).get("schemas", {})
    for name, component in committed.get("components", {}).get("schemas", {}).items():
        if "enum" in component and name in new_components and "enum" in new_components[name]:
            gone = [v for v in component["enum"] if v not in new_components[name]["enum"]]
            if gone:
                problems.append(f"components.{name}: enum values removed: {gone}")
    return sorted(set(problems))


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    return yaml.safe_load(COMMITTED.read_text())


@pytest.fixture(scope="module")
def live() -> dict[str, Any]:
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    # Two serializers or enums with one component name make an incorrect schema (one silently
    # replaces the other); drf-spectacular only warns, so the contract fails on any warning.
    assert not GENERATOR_STATS._warn_cache, sorted(GENERATOR_STATS._warn_cache)
    return schema


def test_the_live_schema_keeps_the_committed_contract(
    committed: dict[str, Any], live: dict[str, Any]
) -> None:
    problems = breaking_changes(committed, live)
    assert not problems, (
        "The API broke its committed contract:\n  " + "\n  ".join(problems) + f"\n{UPDATE}"
    )


@pytest.fixture(scope="module")
def committed_auth() -> dict[str, Any]:
    return yaml.safe_load(COMMITTED_AUTH.read_text())


@pytest.fixture
def live_auth(client: Any) -> dict[str, Any]:
    """allauth headless's specification as the running site serves it."""
    served = client.get("/api/auth/openapi.yaml", HTTP_HOST="localhost")
    assert served.status_code == 200, served.content[:500]
    return yaml.safe_load(served.content)


def test_the_auth_api_keeps_its_committed_contract(
    committed_auth: dict[str, Any], live_auth: dict[str, Any]
) -> None:
    problems = breaking_changes(committed_auth, live_auth)
    assert not problems, (
        "allauth's API broke its committed contract:\n  " + "\n  ".join(problems)
        + "\nIf intended, save the served /api/auth/openapi.yaml as docs/api/auth-openapi.yaml"
        " (see this module's docstring)."
    )  # fmt: skip


def test_the_committed_auth_contract_has_the_app_journey(committed_auth: dict[str, Any]) -> None:
    """What the native clients use: sign-up with Toto's own fields, e-mail verification by
    code, login and token refresh."""
    paths = committed_auth["paths"]
    for path in ("auth/signup", "auth/email/verify", "auth/login"):
        assert "post" in paths[f"/api/auth/{{client}}/v1/{path}"], path
    assert "post" in paths["/api/auth/app/v1/tokens/refresh"]
    signup = committed_auth["components"]["schemas"]["BaseSignup"]
    assert {"email", "full_name", "role"} <= set(signup["required"])
    assert signup["properties"]["role"]["enum"] == ["student", "teacher"]


def test_every_committed_path_is_versioned(committed: dict[str, Any]) -> None:
    assert committed["paths"] and all(path.startswith("/api/v1/") for path in committed["paths"])
    assert "Error" in committed["components"]["schemas"]


# The checker itself: each kind of break is caught, an addition is not.
BASE = {
    "paths": {
        "/api/v1/things/": {
            "get": {
                "parameters": [
                    {
                        "in": "query",
                        "name": "page",
                        "required": False,
                        "schema": {"type": "integer"},
                    }
                ],
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        }
                    }
                },
            },
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/ThingRequest"}
                        }
                    }
                },
                "responses": {
                    "201": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        }
                    }
                },
            },
        }
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "state": {"$ref": "#/components/schemas/StateEnum"},
                },
            },
            "ThingRequest": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "note": {"type": "string"}},
                "required": ["name"],
            },
            "StateEnum": {"enum": ["open", "closed"], "type": "string"},
        }
    },
}


def _changed(edit: Any) -> list[str]:
    import copy

    live = copy.deepcopy(BASE)
    edit(live)
    return breaking_changes(BASE, live)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda s: s["paths"]["/api/v1/things/"].pop("post"),
            "POST /api/v1/things/: operation removed",
        ),
        (
            lambda s: s["components"]["schemas"]["Thing"]["properties"].pop("id"),
            "GET /api/v1/things/ 200.id: response field removed",
        ),
        (
            lambda s: s["components"]["schemas"]["StateEnum"]["enum"].remove("closed"),
            "components.StateEnum: enum values removed: ['closed']",
        ),
        (
            lambda s: s["components"]["schemas"]["ThingRequest"]["required"].append("note"),
            "POST /api/v1/things/ body.note: request field newly required",
        ),
        (
            lambda s: s["paths"]["/api/v1/things/"]["get"]["parameters"][0].update(required=True),
            "GET /api/v1/things/: parameter page (query) newly required",
        ),
        (
            lambda s: s["components"]["schemas"]["Thing"]["properties"]["id"].update(type="string"),
            "GET /api/v1/things/ 200.id: type integer became string",
        ),
    ],
)
def test_the_checker_catches_each_kind_of_break(edit: Any, expected: str) -> None:
    assert expected in _changed(edit)


def test_the_checker_lets_additions_through() -> None:
    def add(schema: dict[str, Any]) -> None:
        schema["paths"]["/api/v1/new/"] = {"get": {"responses": {}}}
        schema["components"]["schemas"]["Thing"]["properties"]["extra"] = {"type": "string"}
        schema["components"]["schemas"]["StateEnum"]["enum"].append("archived")
        schema["components"]["schemas"]["ThingRequest"]["properties"]["optional"] = {
            "type": "string"
        }

    assert _changed(add) == []


def test_the_checker_follows_references_to_parameters_bodies_and_responses() -> None:
    """allauth's specification refers to shared parameters, request bodies and responses."""
    import copy

    json_schema = lambda name: {"content": {"application/json": {"schema": {"$ref": name}}}}  # noqa: E731
    base = {
        "paths": {
            "/api/auth/{client}/v1/auth/signup": {
                "post": {
                    "parameters": [{"$ref": "#/components/parameters/Client"}],
                    "requestBody": {"$ref": "#/components/requestBodies/Signup"},
                    "responses": {"200": {"$ref": "#/components/responses/Authenticated"}},
                }
            }
        },
        "components": {
            "parameters": {
                "Client": {"in": "path", "name": "client", "required": False, "schema": {}}
            },
            "requestBodies": {"Signup": json_schema("#/components/schemas/Signup")},
            "responses": {"Authenticated": json_schema("#/components/schemas/Meta")},
            "schemas": {
                "Signup": {"type": "object", "properties": {"email": {}, "phone": {}}},
                "Meta": {"type": "object", "properties": {"access_token": {"type": "string"}}},
            },
        },
    }
    live = copy.deepcopy(base)
    live["components"]["parameters"]["Client"]["required"] = True
    live["components"]["schemas"]["Signup"]["required"] = ["phone"]
    live["components"]["schemas"]["Meta"]["properties"].pop("access_token")
    where = "POST /api/auth/{client}/v1/auth/signup"
    assert breaking_changes(base, live) == [
        f"{where} 200.access_token: response field removed",
        f"{where} body.phone: request field newly required",
        f"{where}: parameter client (path) newly required",
    ]
    assert breaking_changes(base, copy.deepcopy(base)) == []
