"""Practice contexts are translatable with wagtail-localize like the other snippets: the
script's lines are translation segments, and the API serves the learner's interface locale."""

from typing import Any

import pytest
from wagtail.models import Locale

from voice_tutor import selectors
from voice_tutor.models import PracticeContext

pytestmark = pytest.mark.django_db

SPANISH = {
    "At the airport": "En el aeropuerto (para angloparlantes)",
    "Good morning! Can I see your passport, please?": "¡Buenos días! ¿Me enseña su pasaporte?",
}


def test_a_context_is_translated_through_wagtail_localize(
    api_client: Any, learner: Any, practice: Any
) -> None:
    from wagtail_localize.models import (
        StringSegment,
        StringTranslation,
        Translation,
        TranslationSource,
    )

    spanish, _ = Locale.objects.get_or_create(language_code="es")
    source, _ = TranslationSource.get_or_create_from_instance(practice)
    segments = {
        segment.string.data: segment
        for segment in StringSegment.objects.filter(source=source).select_related(
            "string", "context"
        )
    }
    assert "Can I see your passport, please?" in " ".join(segments)  # a script line
    assert "Which city are you flying to?" in segments  # a re-ask line
    translation = Translation.objects.create(source=source, target_locale=spanish, enabled=True)
    for text, translated in SPANISH.items():
        segment = segments[text]
        StringTranslation.objects.create(
            translation_of=segment.string, locale=spanish, context=segment.context, data=translated
        )
    translation.save_target(publish=True)

    translated = practice.get_translation(spanish)
    assert translated.title == "En el aeropuerto (para angloparlantes)" and translated.live
    assert translated.steps()[0]["tutor_lines"][0].startswith("¡Buenos días!")
    assert translated.translation_key == practice.translation_key
    assert list(selectors.live_contexts(locale="es")) == [translated]
    assert list(selectors.live_contexts()) == [practice]
    assert PracticeContext.objects.count() == 2

    api_client.force_login(learner)
    body = api_client.get("/api/v1/tutor/contexts/", HTTP_ACCEPT_LANGUAGE="es").json()
    assert [c["title"] for c in body["results"]] == ["En el aeropuerto (para angloparlantes)"]
    assert body["results"][0]["locale"] == "es"
    body = api_client.get("/api/v1/tutor/contexts/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [c["title"] for c in body["results"]] == ["At the airport"]
