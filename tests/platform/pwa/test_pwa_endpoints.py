"""The installable app's endpoints: manifest, root-scoped service worker with the app shell
precached, the offline and install pages, and the CSP allowing the worker and manifest."""

import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, override_settings

from cms.learning.testing import learning_tree  # noqa: F401

pytestmark = pytest.mark.django_db


def test_manifest_meets_install_criteria(client: Client) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert "max-age=3600" in response["Cache-Control"]
    manifest = response.json()
    assert manifest["id"] == "/" and manifest["scope"] == "/"
    assert manifest["start_url"].startswith("/")
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b6e4f" and manifest["background_color"] == "#f6f7f4"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    # The shortcuts (#20), in its order: Android's launcher shows the first four.
    assert [(s["name"], s["url"]) for s in manifest["shortcuts"]] == [
        ("Learn", "/learn/"),
        ("Review", "/vocabulary/review/"),
        ("Translate", "/translate/"),
        ("Messages", "/chat/"),
    ]


@pytest.mark.usefixtures("learning_tree")
def test_every_shortcut_opens_a_page_for_a_learner(client: Client, student: Any) -> None:
    client.force_login(student)  # /learn/ is the CMS's lessons index (learning_tree)
    for shortcut in client.get("/manifest.webmanifest").json()["shortcuts"]:
        assert shortcut["icons"] and client.get(shortcut["icons"][0]["src"]).status_code == 200
        response = client.get(shortcut["url"])
        assert response.status_code == 200, (shortcut["url"], response.status_code)


def test_manifest_is_translated(client: Client) -> None:
    response = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="es")
    assert response.json()["lang"] in {"es", "en"}


def test_service_worker_is_served_at_the_root_uncached_with_the_shell(client: Client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert "self.__WB_MANIFEST" not in body
    entries = json.loads(re.search(r"(\[\{\"url\": \"/static/.*?\}\])", body).group(1))  # type: ignore[union-attr]
    urls = {entry["url"] for entry in entries}
    assert {"/static/dist/toto.css", "/static/js/pwa/pwa.js", "/offline/"} <= urls
    # Unhashed names in tests and make run: a content hash is each entry's revision.
    assert all(re.fullmatch(r"[0-9a-f]{16}", entry["revision"]) for entry in entries)
    for url in urls - {"/offline/"}:
        assert client.get(url).status_code == 200, url


def test_service_worker_revisions_follow_the_files(client: Client, tmp_path: Any) -> None:
    first = client.get("/sw.js").content
    assert client.get("/sw.js").content == first  # stable while nothing changed
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "toto.css").write_text("body{}")
    with override_settings(STATICFILES_DIRS=[tmp_path, *settings.STATICFILES_DIRS]):
        finders.get_finder.cache_clear()
        try:
            changed = client.get("/sw.js").content
        finally:
            finders.get_finder.cache_clear()
    assert changed != first


def test_service_worker_carries_the_lessons_byte_cap_from_settings(client: Client) -> None:
    with override_settings(PWA_LESSON_CACHE_BYTES=123_457):
        body = client.get("/sw.js").content.decode()
    assert "self.__TOTO_LESSON_CACHE_BYTES" not in body
    assert "Number(123457)" in body


def test_offline_and_install_pages(client: Client) -> None:
    offline = client.get("/offline/")
    assert offline.status_code == 200
    assert "What works without a connection" in offline.content.decode()
    install = client.get("/app/")
    assert install.status_code == 200
    page = install.content.decode()
    assert "Add to Home Screen" in page and "data-install-app" in page


def test_layout_links_the_manifest_and_registers_the_worker(client: Client) -> None:
    page = client.get("/offline/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'rel="apple-touch-icon"' in page and 'name="theme-color"' in page
    assert "/static/js/pwa/pwa.js" in page
    assert "data-outbox" in page


def test_csp_lets_the_site_register_its_worker_and_manifest(client: Client) -> None:
    policy = client.get("/offline/")["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert "'self'" in directives["worker-src"]
    assert "'self'" in directives["manifest-src"]
