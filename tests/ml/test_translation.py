"""LibreTranslate-compatible translation, language id and the argos loading path."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from ml.engines.argos import ArgosTranslator
from ml.engines.mt import ArgosBackend, TranslationService
from ml.settings import Settings


def test_english_to_spanish_with_apertium(ml_client: TestClient) -> None:
    response = ml_client.post(
        "/translate", json={"q": "Good morning, my friend.", "source": "en", "target": "es"}
    )
    assert response.status_code == 200
    assert response.json() == {"translatedText": "Buenos días, mi amigo.", "engine": "apertium"}


def test_auto_source_batch_and_form(ml_client: TestClient) -> None:
    response = ml_client.post(
        "/translate", data={"q": ["Thank you.", "The house is big."], "source": "auto",
                            "target": "es"},
    )  # fmt: skip
    body = response.json()
    assert body["translatedText"][1] == "La casa es grande."
    assert body["detectedLanguage"][0]["language"] == "en"


def test_a_batch_goes_through_the_pipe_at_once_with_answers_in_order(
    ml_client: TestClient,
) -> None:
    """A list ``q`` is written to the apertium pipe in one go; each answer must still be its
    own text's, the same as one by one, with empty texts and NULs kept out of the stream."""
    sentences = ["The house is big.", "Good morning, my friend.", "Thank you.", "We eat bread."]
    one_by_one = [
        ml_client.post("/translate", json={"q": s, "source": "en", "target": "es"}).json()[
            "translatedText"
        ]
        for s in sentences
    ]
    batch = sentences * 10 + ["  ", "The house\0 is big."]
    response = ml_client.post("/translate", json={"q": batch, "source": "en", "target": "es"})
    assert response.status_code == 200, response.json()
    translated = response.json()["translatedText"]
    assert translated[:40] == one_by_one * 10
    assert translated[40] == "  "
    assert translated[41] == "La casa es grande."
    # The pipe is still in step afterwards.
    again = ml_client.post("/translate", json={"q": "Thank you.", "source": "en", "target": "es"})
    assert again.json()["translatedText"] == one_by_one[2]


def test_html_keeps_markup(ml_client: TestClient) -> None:
    response = ml_client.post(
        "/translate",
        json={"q": "<p>The house is <b>big</b>.</p>", "source": "en", "target": "es",
              "format": "html"},
    )  # fmt: skip
    assert response.json()["translatedText"] == "<p>La casa es <b>grande</b>.</p>"


def test_unsupported_pair_and_huge_text(ml_client: TestClient) -> None:
    response = ml_client.post("/translate", json={"q": "Hola", "source": "es", "target": "ja"})
    assert response.status_code == 400
    assert "not available" in response.json()["error"]
    huge = ml_client.post(
        "/translate", json={"q": "word " * 20_000, "source": "en", "target": "es"}
    )
    assert huge.status_code == 413
    assert "limit" in huge.json()["error"]
    missing = ml_client.post("/translate", json={"source": "en", "target": "es"})
    assert missing.status_code == 400


def test_a_batch_over_the_limit_is_refused_whole(ml_client: TestClient) -> None:
    limit = ml_client.app.state.settings.max_batch  # type: ignore[attr-defined]
    at_limit = ml_client.post("/translate", json={"q": ["Yes."] * limit, "source": "en",
                                                  "target": "es"})  # fmt: skip
    assert at_limit.status_code == 200 and len(at_limit.json()["translatedText"]) == limit
    over = ml_client.post("/translate", json={"q": ["Yes."] * (limit + 1), "source": "en",
                                              "target": "es"})  # fmt: skip
    assert over.status_code == 413
    assert over.json()["error"] == (
        f"Invalid request: {limit + 1} texts; the batch limit is {limit}"
    )


def test_detect_and_languages(ml_client: TestClient) -> None:
    detected = ml_client.post("/detect", data={"q": "Bonjour, comment allez-vous ?"}).json()
    assert detected[0]["language"] == "fr" and detected[0]["confidence"] > 50
    languages = {lang["code"]: lang for lang in ml_client.get("/languages").json()}
    assert "es" in languages["en"]["targets"]


def test_argos_package_built_offline_loads_and_translates(
    tiny_argos_package: Path, tmp_path: Path, ml_settings: Settings
) -> None:
    translator = ArgosTranslator(str(tmp_path / "packages"), ml_settings.cache_dir)
    translator.install(tiny_argos_package)
    assert ("en", "xx") in translator.pairs()
    service = TranslationService([ArgosBackend.__new__(ArgosBackend)])
    service.backends[0].engine = translator  # type: ignore[attr-defined]
    out = service.translate(["hello world. good morning", "<b>thank you</b>"], "en", "xx", "html")
    assert isinstance(out[0], str) and out[0]
    assert out[1].startswith("<b>") and out[1].endswith("</b>")


def test_a_pair_without_an_engine_goes_through_a_pivot_and_says_so(
    ml_client: TestClient,
) -> None:
    """Debian has apertium en↔es and es↔fr but no en→fr: the service offers en→fr through
    Spanish, translates in two hops and names the engine and the pivot."""
    languages = {lang["code"]: lang for lang in ml_client.get("/languages").json()}
    assert "fr" in languages["en"]["targets"]
    assert languages["en"]["pivots"] == {"fr": "es"}
    assert "fr" not in languages["es"]["pivots"]  # es→fr is direct

    direct = ml_client.post("/translate", json={"q": "The house", "source": "en", "target": "es"})
    assert direct.json()["engine"] == "apertium" and "pivot" not in direct.json()

    response = ml_client.post(
        "/translate", json={"q": "The house is big.", "source": "en", "target": "fr"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["engine"] == "apertium" and body["pivot"] == "es"
    assert "maison" in body["translatedText"].lower()


def test_deeply_nested_json_is_a_400_not_a_500(ml_client: TestClient) -> None:
    headers = {"content-type": "application/json"}
    for body in (b"[" * 100_000, b'{"q": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"):
        response = ml_client.post("/translate", content=body, headers=headers)
        assert response.status_code == 400
        assert "nested too deeply" in response.json()["error"]
    # An OpenAI-style endpoint answers its own shape.
    chat = ml_client.post("/v1/chat/completions", content=b"[" * 100_000, headers=headers)
    assert chat.status_code in (400, 422) and "error" in chat.json()
