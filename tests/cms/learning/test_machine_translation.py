"""The translation editor's "Translate with Toto translation service" button, answered by the
real ML service (apertium en→es), metered, and all-or-nothing when the service fails."""

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.test import override_settings
from django.urls import reverse
from wagtail_localize.models import StringTranslation, Translation

from ai.models import AIUsage, Outcome
from core.models import FeatureFlag
from core.testing.services import free_port

pytestmark = pytest.mark.django_db

BODY = [
    ("paragraph", "<p>The <b>train</b> is late today.</p><p>Where is the station?</p>"),
    (
        "multiple_choice",
        {
            "question": "Which drink is hot?",
            "choices": [
                {"text": "Coffee", "is_correct": True},
                {"text": "Cold water", "is_correct": False},
            ],
            "explanation": "Coffee is served hot.",
            "points": 1,
            "hints": [],
            "feedback_correct": "",
            "feedback_incorrect": "",
        },
    ),
]


@pytest.fixture
def live_ml(ml_service_url: str) -> Iterator[str]:
    with override_settings(ML_URL=ml_service_url, ML_API_KEY=""):
        yield ml_service_url


@pytest.fixture
def spanish_draft(make_lesson, translate_lesson) -> dict[str, Any]:
    """An English lesson and its Spanish translation whose strings nobody has translated yet."""
    english = make_lesson("The red house", body=BODY)
    spanish = translate_lesson(english, "es")
    translation = Translation.objects.get(
        source__object_id=english.translation_key, target_locale=spanish.locale
    )
    return {"english": english, "spanish": spanish, "translation": translation}


def press_the_button(client: Any, draft: dict[str, Any]) -> Any:
    edit_url = reverse("wagtailadmin_pages:edit", args=[draft["spanish"].id])
    page = client.get(edit_url)
    assert page.status_code == 200
    props = json.loads(
        re.search(r'data-props="([^"]*)"', page.content.decode()).group(1).replace("&quot;", '"')
    )
    button = props["machineTranslator"]
    assert button["name"] == "Toto translation service"
    return client.post(button["url"], {"next": edit_url}, follow=True)


def machine_strings(draft: dict[str, Any]) -> dict[str, str]:
    return dict(
        StringTranslation.objects.filter(
            locale=draft["spanish"].locale,
            translation_type=StringTranslation.TRANSLATION_TYPE_MACHINE,
        ).values_list("translation_of__data", "data")
    )


def test_the_editor_translates_a_lesson_with_the_ml_service(
    client, moderator, spanish_draft, live_ml
) -> None:
    client.force_login(moderator)
    response = press_the_button(client, spanish_draft)

    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["Translated with Toto translation service."]
    found = machine_strings(spanish_draft)
    assert found["The red house"] == "La casa roja"
    # Inline markup survives: only the text between the tags is translated.
    assert re.fullmatch(r"El <b>tren</b> .* tarde hoy\.", found["The <b>train</b> is late today."])
    assert "Dónde" in found["Where is the station?"]
    assert found["Coffee"] == "Café"
    assert StringTranslation.objects.filter(tool_name="Toto translation service").count() == len(
        found
    )
    usage = AIUsage.objects.get(feature="content_translation")
    assert (usage.user, usage.outcome, usage.credits) == (moderator, Outcome.FREE, 0)
    assert usage.model_name == "mt:en-es"
    assert usage.characters == sum(len(source) for source in found)

    # Pressing it again has nothing left to do, and saving the page publishes Spanish text.
    again = press_the_button(client, spanish_draft)
    assert [str(m) for m in again.context["messages"]] == [
        "There isn't anything left to translate."
    ]
    spanish_draft["translation"].save_target(publish=True)
    spanish_draft["spanish"].refresh_from_db()
    assert spanish_draft["spanish"].title == "La casa roja"


def translate_requests(ml_url: str) -> float:
    """How many /translate requests the ML service has answered (its Prometheus counter)."""
    metrics = httpx.get(f"{ml_url}/metrics").text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("ml_http_requests_total{") and 'route="/translate"' in line
    )


@pytest.mark.parametrize(
    ("limits", "at_least"),
    [
        ({"ML_TRANSLATE_BATCH": 2}, lambda strings: -(-strings // 2)),
        # Cut by characters too: the ~150 characters of this page in requests of at most 40.
        ({"ML_TRANSLATE_MAX_CHARS": 40}, lambda strings: 4),
    ],
)
def test_a_page_larger_than_one_request_is_sent_in_several(
    client, moderator, spanish_draft, live_ml, limits, at_least
) -> None:
    client.force_login(moderator)
    before = translate_requests(live_ml)
    with override_settings(**limits):
        press_the_button(client, spanish_draft)
    found = machine_strings(spanish_draft)
    assert translate_requests(live_ml) - before >= at_least(len(found))
    # Order kept across requests: every string got its own translation, not a neighbour's.
    assert found["The red house"] == "La casa roja"
    assert found["About The red house"] == "Sobre La casa roja"
    assert found["Coffee"] == "Café"
    assert found["Cold water"] == "Agua fría"


def test_a_slug_is_translated_as_words_and_stays_a_slug(
    client, moderator, spanish_draft, live_ml
) -> None:
    client.force_login(moderator)
    press_the_button(client, spanish_draft)
    assert machine_strings(spanish_draft)["the-red-house"] == "la-casa-roja"


def test_with_the_service_down_nothing_is_saved_and_the_editor_says_why(
    client, moderator, spanish_draft
) -> None:
    client.force_login(moderator)
    with override_settings(ML_URL=f"http://127.0.0.1:{free_port()}"):
        response = press_the_button(client, spanish_draft)
    assert [str(m) for m in response.context["messages"]] == [
        "The translation service is unavailable right now. Nothing was changed; try again in a "
        "moment."
    ]
    assert machine_strings(spanish_draft) == {}
    assert AIUsage.objects.get(feature="content_translation").outcome == Outcome.UNAVAILABLE


def test_the_ai_switch_turns_the_button_off(client, moderator, spanish_draft, live_ml) -> None:
    flag = FeatureFlag.objects.get(name="ai.content_translation")
    flag.enabled = False
    flag.save()
    client.force_login(moderator)
    response = press_the_button(client, spanish_draft)
    assert [str(m) for m in response.context["messages"]] == [
        "Machine translation is switched off (feature flag ai.content_translation)."
    ]
    assert machine_strings(spanish_draft) == {}


def test_someone_who_cannot_edit_the_page_cannot_translate_it(
    client, student, teacher, spanish_draft, live_ml
) -> None:
    url = reverse("wagtail_localize:machine_translate", args=[spanish_draft["translation"].id])
    client.force_login(student)
    response = client.post(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert machine_strings(spanish_draft) == {}
