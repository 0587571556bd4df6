"""The review session's first card rendered on the server (the performance budget of the app,
issue 20): the card and the count are in the HTML, today's cards in the page's JSON in the due
API's shapes, the challenge the one review.js would pick, in a bounded number of queries."""

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from vocabulary import services
from vocabulary.models import Card
from vocabulary.views import first_challenge

pytestmark = pytest.mark.django_db

REVIEW_JS = Path(__file__).resolve().parents[3] / "static/js/vocabulary/review.js"
# The page's reads (schedule, review count, time zone, today's counts, due ids, the cards
# with their words, the distractor pool), the postpone/advance panel's (backlog, recent
# moves) and every page's (session, user, permissions, ...): the same however many cards
# are due.
QUERIES = 20


def embedded(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="review-cards" type="application/json">(.*?)</script>', html)
    assert found is not None, "the page carries today's cards for review.js"
    return json.loads(found.group(1))


def stage_of(html: str) -> str:
    found = re.search(
        r'<div class="card vocab-stage" id="review-stage"(.*?)<p class="meta vocab-keys"',
        html,
        re.S,
    )
    assert found is not None
    return found.group(1)


def test_the_first_card_is_in_the_page(client: Any, student: Any, assert_num_queries: Any) -> None:
    client.force_login(student)
    empty = client.get("/vocabulary/review/").content.decode()
    assert "Nothing due right now" in stage_of(empty) and "data-first-card" not in empty
    assert embedded(empty) == {"results": [], "review_count": 0, "new_count": 0}

    for text, translation in [("hola", "hello"), ("<gato>", "cat"), ("perro", "dog")]:
        services.add_word(student, text=text, language="es", translation=translation)
    with assert_num_queries(QUERIES):
        html = client.get("/vocabulary/review/").content.decode()
    first = Card.objects.filter(owner=student).order_by("word__created_at", "id").first()
    assert first is not None
    stage = stage_of(html)
    # A new card is a flip card: the word shown, its answer hidden until asked for.
    assert f'data-kind="flip" data-first-card="{first.pk}"' in stage
    assert 'data-card="' not in stage  # set by review.js once the card answers keys
    assert '<p class="vocab-front" data-slot="front" lang="es">hola</p>' in stage
    assert '<p class="vocab-answer" data-slot="answer">hello</p>' in stage
    assert "Loading your cards" not in stage and "3 due" in html and "Card 1 of 3" in html
    assert "&lt;gato&gt;" not in stage  # only the first card is rendered
    # The same cards as the due API answers, so review.js needs no second request.
    api = client.get("/api/v1/reviews/due/?page_size=100").json()
    due = embedded(html)
    assert due["results"] == api["results"] and due["new_count"] == api["new_count"] == 3
    assert '"&lt;gato&gt;"' not in html and "\\u003Cgato\\u003E" in html  # escaped JSON

    for number in range(10):
        services.add_word(student, text=f"palabra{number}", language="es", translation=f"w{number}")
    with assert_num_queries(QUERIES):
        client.get("/vocabulary/review/")


def test_a_reviewed_card_gets_the_challenge_review_js_would_pick(client: Any, student: Any) -> None:
    for text, translation in [
        ("hola", "hello"),
        ("gato", "cat"),
        ("perro", "dog"),
        ("casa", "house"),
    ]:
        services.add_word(student, text=text, language="es", translation=translation)
    cards = list(Card.objects.filter(owner=student).order_by("id"))
    Card.objects.filter(pk__in=[card.pk for card in cards]).update(
        last_review="2026-01-01T00:00Z", due="2026-01-02T00:00Z", reps=1, state=2
    )
    client.force_login(student)
    html = client.get("/vocabulary/review/").content.decode()
    card = embedded(html)["results"][0]
    challenge = first_challenge(card)
    stage = stage_of(html)
    assert f'data-kind="{challenge["kind"]}" data-first-card="{card["id"]}"' in stage
    if challenge["kind"] == "choice":
        assert re.findall(r"<kbd>\d</kbd> ([^<]+)</button>", stage) == challenge["options"]
    elif challenge["kind"] == "type":
        assert f'data-slot="front">{card["word"]["translation"]}</p>' in stage
        assert card["word"]["text"] not in stage  # the word is the answer
    elif challenge["kind"] == "listen":
        assert card["word"]["text"] not in stage and card["word"]["translation"] not in stage


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js (make install)")
def test_the_python_port_picks_as_review_js_does() -> None:
    """first_challenge ports review.js's kindOf and shuffle: run both on the same cards."""
    source = REVIEW_JS.read_text()
    functions = [
        re.search(rf"^function {name}\(.*?^}}$", source, re.S | re.M).group(0)  # type: ignore[union-attr]
        for name in ("kindOf", "shuffle")
    ]
    cards = [
        {
            "id": card_id,
            "reps": reps,
            "is_new": reps == 0,
            "word": {"text": "w", "translation": "right"},
            "distractors": ["a", "b", "c", "d"][:distractors],
        }
        for card_id in range(1, 40, 3)
        for reps in (0, 1, 2, 5)
        for distractors in (0, 2, 4)
    ]
    script = (
        "\n".join(functions)
        + """
const cards = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(cards.map((card) => {
  const kind = kindOf(card);
  const options = kind === "choice"
    ? shuffle([card.word.translation, ...card.distractors.slice(0, 3)], card.id) : [];
  return { kind, options };
})));"""
    )
    ran = subprocess.run(
        ["node", "-e", script], input=json.dumps(cards), capture_output=True, text=True, check=True
    )
    expected = json.loads(ran.stdout)
    ported = [{"kind": c["kind"], "options": c["options"]} for c in map(first_challenge, cards)]
    assert ported == expected
    assert {item["kind"] for item in expected} == {"flip", "type", "listen", "choice"}
