"""The word bank and review API: privacy, errors in the one shape, pinned query counts, offline
replays, daily limits, bulk edits, CSV export, tolerant answer checks and spoken words."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone

from vocabulary import services
from vocabulary.models import Card, LearnerSchedule, ReviewLog, Word

WORDS = "/api/v1/vocabulary/words/"
REVIEWS = "/api/v1/reviews/"
DUE = "/api/v1/reviews/due/"
pytestmark = pytest.mark.django_db


def add(owner: Any, text: str, **fields: Any) -> Word:
    fields.setdefault("language", "es")
    fields.setdefault("translation", f"{text}-en")
    return services.add_word(owner, text=text, **fields).word


def answer(client: Any, card_id: int, rating: int = 3, key: str = "k1", **extra: Any) -> Any:
    body = {"card": card_id, "rating": rating, "reviewed_at": timezone.now().isoformat(),
            "duration_ms": 2500, "idempotency_key": key, **extra}  # fmt: skip
    return client.post(REVIEWS, body, format="json")


def test_add_then_duplicate_answers_the_existing_word(api_client: Any, student: Any) -> None:
    api_client.force_login(student)
    body = {"text": "la casa", "language": "es", "translation": "the house",
            "tags": ["home", "Home", "a1"], "part_of_speech": "noun"}  # fmt: skip
    created = api_client.post(WORDS, body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["created"] is True and data["tags"] == ["a1", "home"]
    assert data["card"]["status"] == "new" and data["card"]["stability"] is None
    assert data["frequency_band"] >= 1 and data["source"] == "manual"
    again = api_client.post(WORDS, {"text": "La  casa!", "language": "es"}, format="json")
    assert again.status_code == 200
    assert again.json()["created"] is False and again.json()["id"] == data["id"]
    assert again.json()["translation"] == "the house"  # untouched


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "", "language": "es"}, "text"),
        ({"text": "hola", "language": "zz-nope"}, "language"),
        ({"text": "hola", "language": "es", "tags": [str(n) for n in range(11)]}, "tags"),
        ({"text": "hola", "language": "es", "tags": ["x" * 51]}, "tags"),
        ({"text": "hola", "language": "es", "level": "D9"}, "level"),
        ({"text": "hola", "language": "es", "source": "telepathy"}, "source"),
    ],
)
def test_invalid_words_are_400_with_field_errors(
    api_client: Any, student: Any, body: dict[str, Any], field: str
) -> None:
    api_client.force_login(student)
    response = api_client.post(WORDS, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error" and field in response.json()["fields"]


def test_nobody_sees_or_changes_another_learners_words(
    api_client: Any, student: Any, other_student: Any
) -> None:
    mine = add(student, "perro")
    api_client.force_login(other_student)
    assert api_client.get(WORDS).json()["count"] == 0
    assert api_client.get(f"{WORDS}{mine.pk}/").status_code == 404
    assert api_client.patch(f"{WORDS}{mine.pk}/", {"translation": "x"}).status_code == 404
    assert api_client.delete(f"{WORDS}{mine.pk}/").status_code == 404
    assert api_client.get(f"{WORDS}{mine.pk}/audio/").status_code == 404
    refused = answer(api_client, mine.card.pk)
    assert refused.status_code == 404 and refused.json()["code"] == "card_not_found"
    check = api_client.post(f"{REVIEWS}check/", {"card": mine.card.pk, "answer": "perro"})
    assert check.status_code == 404
    bulk = api_client.post(f"{WORDS}bulk/", {"ids": [mine.pk], "action": "delete"}, format="json")
    assert bulk.json() == {"changed": 0}
    assert "perro" not in api_client.get(f"{WORDS}export/").content.decode()
    assert Word.objects.filter(pk=mine.pk, translation="perro-en").exists()
    api_client.logout()
    assert api_client.get(WORDS).status_code in (401, 403)


def test_list_filters_and_pinned_query_count(
    api_client: Any, student: Any, other_student: Any, assert_num_queries: Any
) -> None:
    now = timezone.now()
    for number in range(3):
        add(student, f"nuevo{number}", tags=["new-ones"], level="A1")
    due = add(student, "debido", tags=["travel"], level="B1")
    Card.objects.filter(pk=due.card.pk).update(
        last_review=now - dt.timedelta(days=3), due=now - dt.timedelta(hours=1), state=2,
        stability=3.0, difficulty=5.0, step=None,
    )  # fmt: skip
    master = add(student, "dominado", tags=["travel"], level="B1")
    Card.objects.filter(pk=master.card.pk).update(
        last_review=now - dt.timedelta(days=1), due=now + dt.timedelta(days=40), state=2,
        stability=45.0, difficulty=4.0, step=None,
    )  # fmt: skip
    learning = add(student, "aprendiendo")
    Card.objects.filter(pk=learning.card.pk).update(
        last_review=now - dt.timedelta(minutes=5), due=now + dt.timedelta(days=2), state=2,
        stability=2.0, difficulty=6.0, step=None,
    )  # fmt: skip
    add(other_student, "ajeno")
    api_client.force_login(student)

    def texts(query: str) -> set[str]:
        return {item["text"] for item in api_client.get(WORDS + query).json()["results"]}

    assert texts("?status=new") == {"nuevo0", "nuevo1", "nuevo2"}
    assert texts("?status=due") == {"debido"}
    assert texts("?status=mastered") == {"dominado"}
    assert texts("?status=learning") == {"debido", "aprendiendo"}
    assert texts("?tag=TRAVEL") == {"debido", "dominado"}
    assert texts("?level=A1&search=nuevo1") == {"nuevo1"}
    assert texts("?search=dominado-en") == {"dominado"}
    bad = api_client.get(WORDS + "?status=forgotten")
    assert bad.status_code == 400 and "status" in bad.json()["fields"]
    listed = api_client.get(WORDS).json()
    statuses = {item["text"]: item["card"]["status"] for item in listed["results"]}
    assert statuses["debido"] == "due" and statuses["dominado"] == "mastered"
    # session, user, count, page (words + cards), tags prefetch: flat with more words.
    with assert_num_queries(5):
        first = api_client.get(WORDS)
    for number in range(15):
        add(student, f"mas{number}", tags=[f"t{number}", "extra"])
    with assert_num_queries(5):
        second = api_client.get(WORDS)
    assert first.json()["count"] == 6 and second.json()["count"] == 21
    assert len(second.json()["results"]) == 20


def test_patch_delete_and_bulk(api_client: Any, student: Any) -> None:
    words = [add(student, text) for text in ("uno", "dos", "tres")]
    api_client.force_login(student)
    patched = api_client.patch(
        f"{WORDS}{words[0].pk}/", {"translation": "one", "tags": ["numbers"]}, format="json"
    )
    assert patched.status_code == 200
    assert patched.json()["translation"] == "one" and patched.json()["tags"] == ["numbers"]
    clash = api_client.patch(f"{WORDS}{words[0].pk}/", {"text": "DOS"}, format="json")
    assert clash.status_code == 400 and "text" in clash.json()["fields"]
    ids = [word.pk for word in words]
    tagged = api_client.post(
        f"{WORDS}bulk/", {"ids": ids, "action": "add_tags", "tags": ["count"]}, format="json"
    )
    assert tagged.json() == {"changed": 3}
    assert Word.objects.filter(tags__name="count").count() == 3
    api_client.post(
        f"{WORDS}bulk/", {"ids": ids[:1], "action": "remove_tags", "tags": ["COUNT"]},
        format="json",
    )  # fmt: skip
    assert sorted(t.name for t in Word.objects.get(pk=ids[0]).tags.all()) == ["numbers"]
    leveled = api_client.post(
        f"{WORDS}bulk/", {"ids": ids, "action": "set_level", "level": "A1"}, format="json"
    )
    assert leveled.json() == {"changed": 3}
    missing = api_client.post(f"{WORDS}bulk/", {"ids": ids, "action": "add_tags"}, format="json")
    assert missing.status_code == 400 and "tags" in missing.json()["fields"]
    assert api_client.delete(f"{WORDS}{ids[2]}/").status_code == 204
    deleted = api_client.post(f"{WORDS}bulk/", {"ids": ids, "action": "delete"}, format="json")
    assert deleted.json() == {"changed": 2}
    assert not Card.objects.filter(owner=student).exists()


def test_csv_export(api_client: Any, student: Any) -> None:
    add(student, "=HYPERLINK()", translation="formula", tags=["x"])
    add(student, "gato", translation="cat", tags=["animals", "pets"])
    api_client.force_login(student)
    response = api_client.get(f"{WORDS}export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["text"] for row in rows] == ["'=HYPERLINK()", "gato"]
    assert rows[1]["tags"] == "animals, pets" and rows[1]["status"] == "new"


def test_review_replay_is_idempotent_and_answers_the_next_due(
    api_client: Any, student: Any
) -> None:
    card = add(student, "hola").card
    api_client.force_login(student)
    first = answer(api_client, card.pk, 3, "offline-1")
    assert first.status_code == 201, first.json()
    replay = answer(api_client, card.pk, 3, "offline-1")
    assert replay.status_code == 200 and replay.json()["replayed"] is True
    assert replay.json()["due"] == first.json()["due"]
    assert ReviewLog.objects.filter(owner=student).count() == 1
    conflict = answer(api_client, card.pk, 1, "offline-1")
    assert conflict.status_code == 409 and conflict.json()["code"] == "idempotency_key_reused"
    future = answer(
        api_client,
        card.pk,
        3,
        "f",
        reviewed_at=(timezone.now() + dt.timedelta(hours=1)).isoformat(),
    )
    assert future.status_code == 400 and "reviewed_at" in future.json()["fields"]
    bad = answer(api_client, card.pk, 5, "r5")
    assert bad.status_code == 400 and "rating" in bad.json()["fields"]


def test_due_applies_daily_limits_and_pins_queries(
    api_client: Any, student: Any, assert_num_queries: Any
) -> None:
    LearnerSchedule.objects.create(user=student, daily_new_limit=3, daily_review_limit=2)
    now = timezone.now()
    for number in range(6):
        add(student, f"nueva{number}", part_of_speech="noun")
    for number in range(4):
        old = add(student, f"vieja{number}", part_of_speech="noun")
        Card.objects.filter(pk=old.card.pk).update(
            last_review=now - dt.timedelta(days=5), due=now - dt.timedelta(hours=number + 1),
            state=2, stability=4.0, difficulty=5.0, step=None,
        )  # fmt: skip
    api_client.force_login(student)
    # session, user, schedule, profile zone, today's counts, review ids, new ids, count, page,
    # distractor pool.
    with assert_num_queries(10):
        response = api_client.get(DUE)
    data = response.json()
    assert data["review_count"] == 2 and data["new_count"] == 3 and data["count"] == 5
    texts = [item["word"]["text"] for item in data["results"]]
    assert texts == ["vieja3", "vieja2", "nueva0", "nueva1", "nueva2"]  # most overdue first
    first = data["results"][0]
    assert (
        len(first["distractors"]) == 3 and first["word"]["translation"] not in first["distractors"]
    )
    assert first["word"]["audio_url"].endswith(f"/words/{first['word']['id']}/audio/")
    # Answer one review and one new card: what is left of today's limits shrinks.
    answer(api_client, data["results"][0]["id"], 3, "a")
    answer(api_client, data["results"][2]["id"], 3, "b")
    after = api_client.get(DUE).json()
    assert after["review_count"] == 1 and after["new_count"] == 2
    page = api_client.get(DUE + "?page_size=2").json()
    assert len(page["results"]) == 2 and page["count"] == after["count"]


def test_typed_answers_are_checked_tolerantly(api_client: Any, student: Any) -> None:
    card = add(student, "¿Qué tal?", translation="How are you?").card
    api_client.force_login(student)

    def check(answer_text: str, direction: str = "word") -> dict[str, Any]:
        body = {"card": card.pk, "answer": answer_text, "direction": direction}
        return api_client.post(f"{REVIEWS}check/", body, format="json").json()

    assert check("que tal")["correct"] is False and check("que tal")["accents_only"] is True
    assert check("  QUÉ tal ")["correct"] is True
    assert check("how are you", "translation")["correct"] is True
    assert check("hello", "translation") == {
        "correct": False, "expected": "How are you?", "accents_only": False,
    }  # fmt: skip


def test_schedule_settings(api_client: Any, student: Any) -> None:
    api_client.force_login(student)
    default = api_client.get("/api/v1/vocabulary/schedule/").json()
    assert default["desired_retention"] == 0.9 and default["personalised"] is False
    changed = api_client.patch(
        "/api/v1/vocabulary/schedule/",
        {"desired_retention": 0.85, "easy_days": [6, 5, 5], "reminder_time": "19:30"},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["easy_days"] == [5, 6] and changed.json()["reminder_time"] == "19:30:00"
    for body in ({"desired_retention": 0.5}, {"easy_days": [7]}, {"daily_new_limit": -1}):
        refused = api_client.patch("/api/v1/vocabulary/schedule/", body, format="json")
        assert refused.status_code == 400, body
    assert LearnerSchedule.objects.get(user=student).desired_retention == 0.85


def test_word_audio_is_spoken_by_the_ml_service_once(
    api_client: Any, student: Any, live_ml: str
) -> None:
    word = add(student, "house", language="en")
    api_client.force_login(student)
    first = api_client.get(f"{WORDS}{word.pk}/audio/")
    assert first.status_code == 200 and first["Content-Type"] == "audio/mpeg"
    audio = b"".join(first.streaming_content)
    assert len(audio) > 1000
    word.refresh_from_db()
    assert word.audio.name
    again = api_client.get(f"{WORDS}{word.pk}/audio/")
    assert b"".join(again.streaming_content) == audio  # served from the kept file


def test_schema_documents_the_endpoints(api_client: Any) -> None:
    schema = api_client.get("/api/v1/schema/?format=json").json()
    for path in (WORDS, f"{WORDS}{{id}}/", f"{WORDS}bulk/", f"{WORDS}export/", DUE, REVIEWS,
                 f"{REVIEWS}check/", "/api/v1/vocabulary/schedule/"):  # fmt: skip
        assert path in schema["paths"], path


def test_a_review_submit_and_its_replay_pin_their_queries(
    api_client: Any,
    student: Any,
    assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The review itself (key check, the card locked with the learner's schedule and zone,
    the card updated, the log inserted) and, after commit, the XP/streak/quest bookkeeping of
    gamification and the analytics event: each pinned, so an extra query per review shows."""
    first, second, third = (add(student, text).card for text in ("uno", "dos", "tres"))
    api_client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        assert answer(api_client, first.pk, 3, "warm-up").status_code == 201
    # session, user, key lookup, savepoint, card with schedule and zone, update, insert,
    # release (the test's transaction turns BEGIN/COMMIT into a savepoint)
    with assert_num_queries(8), django_capture_on_commit_callbacks(execute=False) as hooks:
        response = answer(api_client, second.pk, 3, "second")
    assert response.status_code == 201 and response.json()["was_due"] is True
    assert len(hooks) == 1
    with assert_num_queries(3):  # session, user, the key's log with its card
        replay = answer(api_client, second.pk, 3, "second")
    assert replay.status_code == 200 and replay.json()["due"] == response.json()["due"]
    # The whole of a due review with its receivers: gamification (the player locked with
    # zone, the event once, today's quests, XP rules, review counter, paid-once and daily cap
    # in one read, XP entry, level, the day's row, league, up to three quests' progress,
    # badges, the player) and analytics' stored event. At most: the day's random quest draw
    # decides how many quests a review moves.
    with assert_num_queries(35, exact=False), django_capture_on_commit_callbacks(execute=True):
        assert answer(api_client, third.pk, 3, "third").status_code == 201
    assert ReviewLog.objects.filter(owner=student).count() == 3


def test_retention_workload_preview_comes_from_the_fsrs_simulator(
    api_client: Any, client: Any, student: Any
) -> None:
    for number in range(120):
        add(student, f"palabra{number}")
    api_client.force_login(student)
    LearnerSchedule.objects.create(user=student, desired_retention=0.88, daily_new_limit=10)
    body = api_client.get("/api/v1/vocabulary/schedule/workload/?retention=0.97").json()
    assert body["cards"] == 150 and body["days"] == 365  # the bank, rounded up to 50
    estimates = body["estimates"]
    assert [row["retention"] for row in estimates] == [0.8, 0.85, 0.88, 0.9, 0.95, 0.97]
    assert [row["current"] for row in estimates] == [False, False, True, False, False, False]
    load = [row["reviews_per_day"] for row in estimates]
    assert all(value > 0 for value in load)
    assert load == sorted(load) and load[-1] > 2 * load[0]  # remembering more costs more
    # The learner's own fitted parameters drive it: someone who forgets faster than FSRS's
    # defaults assume reviews more at the same retentions.
    from vocabulary.simulation import FORGETFUL_PARAMETERS

    LearnerSchedule.objects.filter(user=student).update(parameters=list(FORGETFUL_PARAMETERS))
    busier = api_client.get("/api/v1/vocabulary/schedule/workload/").json()["estimates"]
    assert sum(row["reviews_per_day"] for row in busier) > sum(load[:-1])
    for bad in ("0.5", "1", "abc"):
        refused = api_client.get(f"/api/v1/vocabulary/schedule/workload/?retention={bad}")
        assert refused.status_code == 400 and "retention" in refused.json()["fields"]

    client.force_login(student)
    page = client.get("/vocabulary/").content.decode()
    table = page.split('id="workload-title"')[1].split("</table>")[0]
    assert "0.88 (yours)" in table and table.count("<tr") == 1 + 5
