"""The demo data loads, validates (every script passes the editor's checks) and is
idempotent; every guided script can be completed with its own suggested responses."""

import pytest

from voice_tutor import demo, matching
from voice_tutor.models import PracticeContext, TutorPromptTemplate, VoiceAvatar

pytestmark = pytest.mark.django_db


def test_demo_loads_twice_and_scripts_are_practisable() -> None:
    for _ in range(2):
        for step in demo.DEMO_STEPS:
            step()
    assert VoiceAvatar.objects.filter(live=True).count() == 4
    assert set(VoiceAvatar.objects.values_list("tts_voice", flat=True)) == {
        "espeak:en-us+f3", "en_US-joe-medium", "espeak:en-gb", "espeak:es+f3",
    }  # fmt: skip
    contexts = list(PracticeContext.objects.filter(live=True))
    guided = [c for c in contexts if c.has_guided_script]
    assert sum(c.language == "en" for c in guided) >= 5
    assert sum(c.language == "es" for c in guided) >= 2
    free = PracticeContext.objects.get(slug="free-talk")
    assert not free.has_guided_script
    for practice in guided:
        steps = practice.steps()
        assert 6 <= len(steps) <= 10, practice.title
        for number, step in enumerate(steps, 1):
            for answer in step["suggested_responses"]:
                assert matching.fits(step, answer, practice.language), (
                    f"{practice.title} step {number}: {answer!r} does not fit its own step"
                )
            assert not matching.fits(step, "Blah.", practice.language) or step["accept_any"]
    assert TutorPromptTemplate.objects.filter(live=True).count() == 1
