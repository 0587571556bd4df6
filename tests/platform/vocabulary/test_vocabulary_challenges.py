"""Word chips and say-it (issue 17): the chips the server prepares, the check of a built phrase,
the rating mapping, and say-it scored by the real ML service (espeak-ng speaks the learner)."""

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from vocabulary import challenges, services
from vocabulary.models import Card, ReviewLog
from vocabulary.selectors import PoolWord, distractor_pool
from vocabulary.views import first_challenge

pytestmark = pytest.mark.django_db

DUE = "/api/v1/reviews/due/"
CHECK = "/api/v1/reviews/check/"
SAY = "/api/v1/reviews/say/"


def speech(tmp_path: Path, text: str, voice: str = "en-us") -> bytes:
    path = tmp_path / "speech.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "140", "-w", str(path), text], check=True)
    return path.read_bytes()


def reviewed(owner: Any) -> None:
    Card.objects.filter(owner=owner).update(
        last_review="2026-01-01T00:00Z", due="2026-01-02T00:00Z", reps=1, state=2
    )


# --- rating mapping ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "rating"),
    [(0, 1), (49.9, 1), (50, 2), (69.9, 2), (70, 3), (89.9, 3), (90, 4), (100, 4)],
)
def test_a_pronunciation_score_maps_to_a_rating(score: float, rating: int) -> None:
    assert challenges.rating_for_score(score) == rating


@pytest.mark.parametrize(
    ("right", "took_ms", "hinted", "rating"),
    [
        (False, 1000, False, 1),  # wrong → Again, however fast
        (True, 25000, False, 2),  # slow → Hard
        (True, 1000, True, 2),  # with a hint → Hard, however fast
        (True, 8000, False, 3),  # right → Good
        (True, 1500, False, 4),  # fast and sure → Easy
    ],
)
def test_an_answer_maps_to_a_rating(right: bool, took_ms: int, hinted: bool, rating: int) -> None:
    assert challenges.rating_for_answer(right=right, took_ms=took_ms, hinted=hinted) == rating


def test_the_script_uses_the_same_answer_thresholds() -> None:
    source = (Path(__file__).resolve().parents[3] / "static/js/vocabulary/review.js").read_text()
    assert f"const FAST_MS = {challenges.FAST_MS};" in source
    assert f"const SLOW_MS = {challenges.SLOW_MS};" in source


# --- word chips ----------------------------------------------------------------------------


def test_chips_build_a_phrase_an_example_or_a_translation(student: Any) -> None:
    phrase = services.add_word(
        student, text="buenos días, señor", translation="good morning", language="es"
    ).word
    example = services.add_word(
        student, text="perro", translation="dog", language="es", example="El perro come pan."
    ).word
    translated = services.add_word(
        student, text="sobremesa", translation="chatting after a meal", language="es"
    ).word
    single = services.add_word(student, text="gato", translation="cat", language="es").word
    pool = distractor_pool(student, {"es"})

    chips = challenges.chips_for(phrase, pool)
    assert chips is not None and chips["target"] == "word" and chips["prompt"] == "good morning"
    assert chips["length"] == 3
    words = ["buenos", "días", "señor"]
    assert set(words) < set(chips["chips"]) and len(chips["chips"]) == 6  # three distractors
    distractors = set(chips["chips"]) - set(words)
    assert distractors <= {"perro", "sobremesa", "gato"}  # the learner's own words
    assert chips["chips"][:3] != words  # never handed over in order
    assert challenges.chips_for(phrase, pool) == chips  # the same shuffle every time

    chips = challenges.chips_for(example, pool)
    assert chips is not None and chips["target"] == "example"
    assert chips["prompt"] == "perro — dog"
    assert {"El", "perro", "come", "pan"} <= set(chips["chips"])

    chips = challenges.chips_for(translated, pool)
    assert chips is not None and chips["target"] == "translation"
    assert {"chatting", "after", "a", "meal"} <= set(chips["chips"])
    assert set(chips["chips"]) - {"chatting", "after", "a", "meal"} <= {
        "good", "morning", "dog", "cat"
    }  # fmt: skip  # distractors in the translations' language

    assert challenges.chips_for(single, pool) is None  # nothing of three words
    long = services.add_word(student, text="x", translation="y " * 13, language="es").word
    assert challenges.chips_for(long, []) is None  # too long to build by tapping


def test_a_bank_of_one_phrase_has_chips_without_distractors(student: Any) -> None:
    word = services.add_word(student, text="muy bien gracias", translation="ok", language="es")
    chips = challenges.chips_for(word.word, [PoolWord(word.word.pk, "es", "ok", "", 0, "x")])
    assert chips is not None and sorted(chips["chips"]) == ["bien", "gracias", "muy"]


def test_due_cards_carry_their_chips_and_the_first_card_can_be_chips(
    api_client: Any, client: Any, student: Any
) -> None:
    services.add_word(student, text="la casa roja", translation="the red house", language="es")
    reviewed(student)
    api_client.force_login(student)
    card = api_client.get(DUE).json()["results"][0]
    assert card["chips"]["target"] == "word" and card["chips"]["length"] == 3
    # kinds: flip, type, listen, chips (no choice: one word has no distractors)
    Card.objects.filter(owner=student).update(reps=3 - card["id"] % 4 + 4)
    card = api_client.get(DUE).json()["results"][0]
    assert first_challenge(card)["kind"] == "chips"
    client.force_login(student)
    html = client.get("/vocabulary/review/").content.decode()
    assert f'data-kind="chips" data-first-card="{card["id"]}"' in html
    for chip in card["chips"]["chips"]:
        assert 'class="button button-secondary vocab-chip" data-chip=' in html
        assert f">{chip}</button>" in html
    assert "Build the phrase" in html


def test_a_built_example_is_checked_tolerantly(api_client: Any, student: Any) -> None:
    word = services.add_word(
        student, text="perro", translation="dog", language="es", example="¡El perro come pan!"
    ).word
    api_client.force_login(student)
    body = {"card": word.card.pk, "answer": "El perro come pan", "direction": "example"}
    right = api_client.post(CHECK, body, format="json").json()
    assert right == {"correct": True, "expected": "¡El perro come pan!", "accents_only": False}
    body["answer"] = "El pan come perro"
    assert api_client.post(CHECK, body, format="json").json()["correct"] is False


# --- say-it --------------------------------------------------------------------------------


def test_say_it_is_scored_by_the_real_ml_service(
    api_client: Any, student: Any, live_ml: str, tmp_path: Path
) -> None:
    word = services.add_word(student, text="good morning", translation="buenos días", language="en")
    api_client.force_login(student)
    audio = SimpleUploadedFile("x.bin", speech(tmp_path, "good morning"), "application/pdf")
    response = api_client.post(SAY, {"card": word.word.card.pk, "audio": audio}, format="multipart")
    assert response.status_code == 200, response.content
    result = response.json()
    assert 0 <= result["score"] <= 100 and result["expected"] == "good morning"
    assert result["rating"] == challenges.rating_for_score(result["score"])
    assert "morning" in result["recognized_text"].lower()
    # Something else said scores lower than the words themselves.
    other = SimpleUploadedFile("y.wav", speech(tmp_path, "the cat sleeps under the table"))
    worse = api_client.post(SAY, {"card": word.word.card.pk, "audio": other}, format="multipart")
    assert worse.status_code == 200 and worse.json()["score"] < result["score"]
    assert not ReviewLog.objects.exists()  # the review itself is the client's next request


def test_say_it_refuses_what_is_not_a_recording_of_ones_own_card(
    api_client: Any, student: Any, teacher: Any, live_ml: str, tmp_path: Path
) -> None:
    mine = services.add_word(student, text="hello", language="en").word
    theirs = services.add_word(teacher, text="hello", language="en").word
    api_client.force_login(student)
    text = SimpleUploadedFile("a.wav", b"not audio at all", "audio/wav")
    refused = api_client.post(SAY, {"card": mine.card.pk, "audio": text}, format="multipart")
    assert refused.status_code == 400 and "audio" in str(refused.json())
    empty = SimpleUploadedFile("a.wav", b"", "audio/wav")
    refused = api_client.post(SAY, {"card": mine.card.pk, "audio": empty}, format="multipart")
    assert refused.status_code == 400
    audio = SimpleUploadedFile("a.wav", speech(tmp_path, "hello"), "audio/wav")
    other = api_client.post(SAY, {"card": theirs.card.pk, "audio": audio}, format="multipart")
    assert other.status_code == 404


def test_say_it_answers_503_while_the_ml_service_is_down(
    api_client: Any, student: Any, ml_down: str, tmp_path: Path
) -> None:
    word = services.add_word(student, text="hello", language="en").word
    api_client.force_login(student)
    audio = SimpleUploadedFile("a.wav", speech(tmp_path, "hello"), "audio/wav")
    response = api_client.post(SAY, {"card": word.card.pk, "audio": audio}, format="multipart")
    assert response.status_code == 503 and response.json()["code"] == "ai_unavailable"


def test_the_review_page_offers_say_it_only_with_an_ml_service(
    client: Any, student: Any, settings: Any
) -> None:
    client.force_login(student)
    assert 'data-say-it="yes"' in client.get("/vocabulary/review/").content.decode()
    settings.ML_URL = ""
    assert 'data-say-it="no"' in client.get("/vocabulary/review/").content.decode()


def test_the_schema_documents_say_it_and_chips(api_client: Any) -> None:
    schema = api_client.get("/api/v1/schema/?format=json").json()
    assert "multipart/form-data" in schema["paths"][SAY]["post"]["requestBody"]["content"]
    assert "chips" in schema["components"]["schemas"]["DueCard"]["properties"]
