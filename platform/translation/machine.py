"""Machine translation for editors: wagtail-localize's "Translate with …" button on a page's
translation, answered by the ML service (argostranslate or apertium, whichever serves the pair).

Configured by ``WAGTAILLOCALIZE_MACHINE_TRANSLATOR`` (settings). The button posts to
``translation.admin_views.machine_translate``, which meters the call (``content_translation``
in the AI usage log; editors are not charged) and turns a service failure into a message in the
editor instead of an error page. A page's strings go through ``ai.client.translate_many``:
batched, two requests in flight, all or nothing.
"""

import re
from collections.abc import Iterable
from typing import Any

from django.utils.text import slugify
from wagtail_localize.machine_translators.base import BaseMachineTranslator
from wagtail_localize.strings import StringValue

from ai import client
from ai.errors import AIUnavailable
from ai.services import Meter

# wagtail-localize hands over a page's slug as one more string, without saying it is one.
_SLUG = re.compile(r"[^\W_A-Z]+(?:-[^\W_A-Z]+)+")


def language_code(code: str) -> str:
    """wagtail-localize locales may carry a region (``es-mx``); the service speaks ISO 639-1."""
    return code.split("-")[0].lower()


class TotoMachineTranslator(BaseMachineTranslator):
    display_name = "Toto translation service"

    def __init__(self, options: dict[str, Any]) -> None:
        super().__init__(options)
        self.meter: Meter | None = None

    def can_translate(self, source_locale: Any, target_locale: Any) -> bool:
        source = language_code(source_locale.language_code)
        target = language_code(target_locale.language_code)
        if source == target:
            return False
        try:
            languages = client.languages()
        except AIUnavailable:
            # Offer the button anyway: pressing it explains that the service is down, which
            # says more than a button that silently disappears.
            return True
        targets = {item["code"]: set(item.get("targets", [])) for item in languages}
        return target in targets.get(source, set())

    def translate(
        self, source_locale: Any, target_locale: Any, strings: Iterable[StringValue]
    ) -> dict[StringValue, StringValue]:
        strings = list(strings)
        source = language_code(source_locale.language_code)
        target = language_code(target_locale.language_code)
        # ``StringValue.data`` is HTML (inline tags, entities): the service keeps the markup.
        texts = [string.data for string in strings]
        # A slug ("the-red-house") is translated as words and made a slug again.
        slugs = {i for i, text in enumerate(texts) if _SLUG.fullmatch(text)}
        sent = [text.replace("-", " ") if i in slugs else text for i, text in enumerate(texts)]
        translated = client.translate_many(sent, source, target, fmt="html")
        translated = [
            (slugify(text, allow_unicode=True) or texts[i]) if i in slugs else text
            for i, text in enumerate(translated)
        ]
        if self.meter is not None:
            self.meter.model_name = f"mt:{source}-{target}"
            self.meter.characters = sum(len(text) for text in texts)
            self.meter.extra["strings"] = len(texts)
        return {string: StringValue(text) for string, text in zip(strings, translated, strict=True)}
