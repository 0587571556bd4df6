"""The editor's "Translate with Toto translation service" button (wagtail-localize).

It replaces wagtail-localize's own ``machine_translate`` view at the same URL (see
``toto/urls.py``) to add what an operator needs around the same
``apply_machine_translation``: the AI feature switch, a usage-log entry per press, and a
clear message when the ML service is down or refuses the text, with nothing saved.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.auth import require_admin_access
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.views.edit_translation import apply_machine_translation

from ai.errors import AIFeatureDisabled, AIInputRejected, AIUnavailable
from ai.features import Feature
from ai.services import Meter, run_metered

from .machine import TotoMachineTranslator


@require_admin_access
@require_POST
def machine_translate(request: HttpRequest, translation_id: int) -> HttpResponse:
    translator = get_machine_translator()
    if translator is None:
        raise Http404
    next_url = get_valid_next_url_from_request(request) or reverse("wagtailadmin_home")

    def call(meter: Meter) -> bool:
        if isinstance(translator, TotoMachineTranslator):
            translator.meter = meter
        return bool(apply_machine_translation(translation_id, request.user, translator))

    try:
        translated = run_metered(request.user, Feature.CONTENT_TRANSLATION, call).result
    except AIFeatureDisabled:
        messages.error(
            request, _("Machine translation is switched off (feature flag ai.content_translation).")
        )
    except AIUnavailable:
        messages.error(
            request,
            _(
                "The translation service is unavailable right now. Nothing was changed; "
                "try again in a moment."
            ),
        )
    except AIInputRejected as error:
        messages.error(
            request,
            _("The translation service could not translate this page: %(reason)s")
            % {"reason": error.detail},
        )
    else:
        if translated:
            messages.success(
                request, _("Translated with %(name)s.") % {"name": translator.display_name}
            )
        else:
            messages.warning(request, _("There isn't anything left to translate."))
    return redirect(next_url)
