"""Profanity beyond English (social.checks): a moment is checked against the list of its
language tag and English, an untagged one against every list; comments and corrections take
their moment's language. A flagged Spanish or Arabic post is held for a moderator, never
dropped; false positives on learner text are bounded on the labelled corpus."""

import json
from pathlib import Path
from typing import Any

import pytest

from social import checks, services
from social.models import Comment, Moment, Report

CORPUS = Path(__file__).resolve().parents[2] / "data" / "social_learner_text.json"


def test_lists_are_chosen_by_the_language_tag() -> None:
    assert checks.lists_for("es") == ["en", "es"]
    assert checks.lists_for("es-MX") == ["en", "es"]
    assert checks.lists_for("en") == ["en"]
    everything = ["en", *sorted(checks.word_lists())]
    assert checks.lists_for("") == everything  # untagged: every list
    assert checks.lists_for("ja") == everything  # no list of its own: every list
    assert {"es", "ar"} <= set(checks.word_lists())
    # A French insult in a Spanish-tagged moment is not looked for; untagged, it is.
    assert not checks.is_profane("Quelle merde", "es")
    assert checks.profanity_in("Quelle merde", "") == "fr"
    # English is checked whatever the tag.
    assert checks.profanity_in("you are a fucking idiot", "es") == "en"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Eres un cabrón", "es"),
        ("eres un CABRON", "es"),  # missing accent, shouting
        ("vete a la mierda", "es"),
        ("hijo   de\nputa", "es"),  # a phrase across spaces and a line break
        ("يا ابن الكلب", "ar"),
        ("يا شرموطةٌ", "ar"),  # with a diacritic
        ("والشرموطة", "ar"),  # with the prefixes و and ال
    ],
)
def test_offensive_words_are_found(text: str, language: str) -> None:
    assert checks.is_profane(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Mi computadora es nueva", "es"),  # contains "puta"
        ("Tuvimos una disputa", "es"),
        ("Compré un cono de helado", "es"),  # not "coño": the ñ is kept
        ("El cojín del sofá", "es"),
        ("أكلت الكسكس مع عائلتي", "ar"),  # starts like a listed word
        ("زبون المطعم كان سعيد", "ar"),
    ],
)
def test_words_that_contain_a_listed_word_pass(text: str, language: str) -> None:
    assert not checks.is_profane(text, language)


def test_false_positives_on_the_learner_corpus_are_bounded() -> None:
    texts = json.loads(CORPUS.read_text(encoding="utf-8"))["texts"]
    for language in ("es", "ar"):
        innocent = [t["text"] for t in texts if t["language"] == language and not t["offensive"]]
        offensive = [t["text"] for t in texts if t["language"] == language and t["offensive"]]
        flagged = [text for text in innocent if checks.is_profane(text, language)]
        caught = [text for text in offensive if checks.is_profane(text, language)]
        assert len(innocent) >= 25 and len(offensive) >= 6
        # benchmarks/social/results.md has the numbers and the texts flagged.
        assert len(flagged) / len(innocent) <= 0.05, flagged
        assert len(caught) / len(offensive) >= 0.9, set(offensive) - set(caught)


@pytest.mark.django_db
def test_a_profane_spanish_moment_is_held_not_dropped(
    student: Any, other_student: Any, moderator: Any, client_for: Any, post: Any
) -> None:
    held = post(student, "Eres un gilipollas, Lena", language="es")
    assert held["status"] == "held"
    report = Report.objects.get(category="automatic")
    assert report.details == "profanity" and report.snapshot == "Eres un gilipollas, Lena"
    # The author still has it; others do not see it until a moderator decides.
    assert client_for(student).get(f"/api/v1/social/moments/{held['id']}/").status_code == 200
    hidden = client_for(other_student).get(f"/api/v1/social/moments/{held['id']}/")
    assert hidden.status_code == 404
    services.decide_report(report, moderator=moderator, kind="dismiss", reason="Banter")
    assert Moment.objects.get(pk=held["id"]).status == "published"
    # Innocent learner Spanish with mistakes goes straight out.
    fine = post(student, "Mi computadora es muy lenta y tuvimos una disputa", language="es")
    assert fine["status"] == "published"


@pytest.mark.django_db
def test_a_profane_arabic_moment_is_held(student: Any, post: Any) -> None:
    assert post(student, "انت ابن كلب", language="ar")["status"] == "held"
    assert post(student, "عندي كلب صغير اسمه ماكس", language="ar")["status"] == "published"


@pytest.mark.django_db
def test_a_comment_is_checked_in_its_moments_language(
    student: Any, other_student: Any, client_for: Any, post: Any
) -> None:
    moment = post(student, "Hoy aprendí una palabra nueva", language="es")["id"]
    made = client_for(other_student).post(
        f"/api/v1/social/moments/{moment}/comments/", {"text": "Qué pendejo eres"}
    )
    assert made.status_code == 201
    comment = Comment.objects.get()
    assert comment.hidden
    assert Report.objects.get(category="automatic", target="comment").comment == comment
    seen = client_for(student).get(f"/api/v1/social/moments/{moment}/comments/").json()
    assert seen["results"] == []


@pytest.mark.django_db
def test_editing_a_spanish_moment_into_profanity_holds_it(student: Any, post: Any) -> None:
    moment = post(student, "Hola a todos", language="es")["id"]
    services.edit_moment(student, moment, text="Hola, hijos de puta")
    assert Moment.objects.get(pk=moment).status == "held"
