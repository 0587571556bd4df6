"""Interest suggestions (PeerLearn's "skill suggestions at registration"): a co-occurrence
model over the interests people chose and the topics of public moments, with the learner's
language and level, each suggestion with its reason; the interests page and the API; and
people sharing an interest among "people to follow"."""

from typing import Any

import pytest

from accounts.models import LearningLanguage
from social import interests, services
from social.models import Interest

pytestmark = pytest.mark.django_db


def learns(user: Any, language: str, level: str, native: str = "en") -> None:
    user.profile.native_language = native
    user.profile.save()
    LearningLanguage.objects.create(profile=user.profile, language=language, level=level)


def test_interests_are_cleaned_deduplicated_and_capped(student: Any) -> None:
    saved = services.set_interests(student, ["#Travel", "travel", "cooking!", "", *"abcdefghij"])
    assert saved[:2] == ["travel", "cooking"] and len(saved) == services.MAX_INTERESTS
    assert services.set_interests(student, ["cooking", "music"]) == ["cooking", "music"]
    assert sorted(Interest.objects.filter(user=student).values_list("tag", flat=True)) == [
        "cooking",
        "music",
    ]


def test_chosen_together_outranks_language_and_level_which_outranks_popularity(
    student: Any, other_student: Any, teacher: Any, user_factory: Any, post: Any
) -> None:
    # Two people who like travel also like photography; one likes travel and football.
    for n in range(2):
        services.set_interests(user_factory(email=f"p{n}@example.com"), ["travel", "photography"])
    services.set_interests(user_factory(email="f@example.com"), ["travel", "football"])
    # Learners of Spanish at A2 post about food; B2 learners about politics.
    learns(other_student, "es", "A2", native="de")
    learns(teacher, "es", "B2", native="fr")
    for n in range(3):
        post(other_student, f"Me gusta la paella {n}", topics=["food"])
        post(teacher, f"Las elecciones {n}", topics=["politics"])
    learns(student, "es", "A2")

    before = interests.suggest_interests(student)
    assert before[0].tag == "food"
    assert before[0].reason == "popular with A2 learners of Spanish"
    politics = next(s for s in before if s.tag == "politics")
    assert politics.reason == "popular on Toto" and politics.score < before[0].score

    services.set_interests(student, ["travel"])
    after = interests.suggest_interests(student)
    assert [s.tag for s in after[:2]] == ["photography", "food"]
    assert after[0].reason == "chosen with your interests by 2 people"
    assert "travel" not in [s.tag for s in after]
    assert [s.tag for s in interests.suggest_interests(student, typed="fo")] == [
        "food",
        "football",
    ]
    # Explicit choices (being typed) replace the saved ones.
    assert "travel" in [s.tag for s in interests.suggest_interests(student, chosen=["food"])]


def test_topics_used_together_on_moments_are_suggested(
    student: Any, other_student: Any, post: Any
) -> None:
    post(other_student, "Mi receta", topics=["cooking", "vegetarian"])
    post(other_student, "Otra receta", topics=["cooking", "vegetarian", "baking"])
    post(other_student, "Mi gato", topics=["cats"])
    found = interests.suggest_interests(student, chosen=["cooking"])
    assert [s.tag for s in found[:2]] == ["vegetarian", "baking"]
    assert found[0].reason == "used with your interests in 2 moments"


def test_suggestions_leave_out_hidden_and_limited_authors_topics(
    student: Any, other_student: Any, senior_moderator: Any, post: Any
) -> None:
    post(other_student, "Solo yo", topics=["secret"], visibility="only_me")
    post(other_student, "Compra seguidores", topics=["spamtopic"])
    report = services.report(
        student, target="profile", target_id=str(other_student.pk), category="spam"
    )
    services.decide_report(report, moderator=senior_moderator, kind="limit", reason="Spam")
    tags = [s.tag for s in interests.suggest_interests(student)]
    assert "secret" not in tags and "spamtopic" not in tags


def test_suggestions_take_a_fixed_number_of_queries(
    student: Any, user_factory: Any, post: Any, django_assert_max_num_queries: Any
) -> None:
    learns(student, "es", "A2")
    services.set_interests(student, ["travel"])
    for n in range(3):
        services.set_interests(user_factory(email=f"a{n}@example.com"), ["travel", f"t{n}"])
    with django_assert_max_num_queries(8) as few:
        interests.suggest_interests(student)
    baseline = len(few.captured_queries)
    for n in range(20):
        services.set_interests(user_factory(email=f"b{n}@example.com"), ["travel", f"u{n}"])
    with django_assert_max_num_queries(baseline):
        assert len(interests.suggest_interests(student)) == 8


def test_the_api_saves_and_suggests(student: Any, user_factory: Any, client_for: Any) -> None:
    services.set_interests(user_factory(email="x@example.com"), ["music", "guitar"])
    client = client_for(student)
    assert client.get("/api/v1/social/interests/").json() == {"interests": []}
    saved = client.put("/api/v1/social/interests/", {"interests": ["Music"]}, format="json")
    assert saved.status_code == 200 and saved.json() == {"interests": ["music"]}
    answer = client.get("/api/v1/social/interests/suggestions/", {"q": "gu"}).json()
    assert answer["results"] == [
        {"tag": "guitar", "score": 3.1, "reason": "chosen with your interests by 1 person"}
    ]
    bad = client.put("/api/v1/social/interests/", {"interests": "music"}, format="json")
    assert bad.status_code == 400


def test_the_interests_page_adds_removes_and_saves(
    client: Any, student: Any, other_student: Any, user_factory: Any
) -> None:
    services.set_interests(user_factory(email="x@example.com"), ["music", "guitar"])
    client.force_login(student)
    feed = client.get("/social/").content.decode()
    assert 'data-testid="interests-nudge"' in feed and "/social/interests/" in feed
    page = client.get("/social/interests/").content.decode()
    assert 'value="music"' in page and "No suggestions yet" not in page
    client.post("/social/interests/", {"interests": "", "add": "music"})
    assert interests.interests_of(student) == ["music"]
    page = client.get("/social/interests/").content.decode()
    assert 'name="add" value="guitar"' in page and "chosen with your interests" in page
    client.post("/social/interests/", {"interests": "music guitar cooking"})
    assert interests.interests_of(student) == ["music", "guitar", "cooking"]
    client.post("/social/interests/", {"interests": "music guitar cooking", "remove": "guitar"})
    assert interests.interests_of(student) == ["music", "cooking"]
    assert 'data-testid="interests-nudge"' not in client.get("/social/").content.decode()
    # Someone sharing an interest (but no language) is now among the people to follow.
    services.set_interests(other_student, ["cooking"])
    page = client.get("/social/interests/").content.decode()
    assert "Lena Learner" in page
