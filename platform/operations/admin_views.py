"""Admin screens: the system status page, the service configuration form and the languages
overview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import configuration, languages, services, status


def _superuser_only(request: HttpRequest) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied


def status_page(request: HttpRequest) -> HttpResponse:
    _superuser_only(request)
    parts = status.system_status()
    return TemplateResponse(
        request,
        "operations/status.html",
        {"parts": parts, "all_ok": all(part.ok for part in parts)},
    )


def languages_page(request: HttpRequest) -> HttpResponse:
    _superuser_only(request)
    return TemplateResponse(
        request,
        "operations/languages.html",
        {
            "interface": languages.interface_languages(),
            "content": languages.content_languages(),
        },
    )


class ServiceConfigurationForm(forms.Form):
    """One field per service key. Secrets are never sent back to the browser: their field is
    empty, with the last four characters as a hint; left empty, the stored value is kept."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in configuration.SERVICE_KEYS:
            stored = configuration.stored_value(key.name)
            env = configuration.from_environment(key.name)
            help_parts = []
            if env:
                help_parts.append(
                    _("Set by the environment variable %(name)s, which wins over this form.")
                    % {"name": key.name}
                )
            if key.secret:
                help_parts.append(
                    _("Stored: %(hint)s. Leave empty to keep it.")
                    % {"hint": configuration.masked(stored)}
                    if stored
                    else _("Not stored.")
                )
            field: forms.Field = forms.CharField(
                label=key.label,
                required=False,
                max_length=4000,
                help_text=" ".join(str(part) for part in help_parts),
                widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})
                if key.secret
                else forms.TextInput(),
                initial="" if key.secret else (stored or ""),
                disabled=env,
            )
            self.fields[key.name] = field
            if key.secret and stored:
                self.fields[f"{key.name}__clear"] = forms.BooleanField(
                    label=gettext_lazy("Remove the stored value"), required=False
                )

    def groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        rows = []
        for group, label in configuration.GROUPS.items():
            names = [key.name for key in configuration.SERVICE_KEYS if key.group == group]
            fields = [
                self[name]
                for name in self.fields
                if name in names or name.removesuffix("__clear") in names
            ]
            rows.append((group, str(label), fields))
        return rows

    def changes(self) -> dict[str, str]:
        """name -> new value ('' removes) for what the operator changed."""
        found: dict[str, str] = {}
        for key in configuration.SERVICE_KEYS:
            if self.fields[key.name].disabled:
                continue
            new = (self.cleaned_data.get(key.name) or "").strip()
            stored = configuration.stored_value(key.name)
            if key.secret:
                if self.cleaned_data.get(f"{key.name}__clear"):
                    found[key.name] = ""
                elif new:
                    found[key.name] = new
            elif new != (stored or ""):
                found[key.name] = new
        return found


def service_configuration(request: HttpRequest) -> HttpResponse:
    _superuser_only(request)
    if request.method == "POST" and "test" in request.POST:
        ok, message = services.test_connection(request.POST["test"])
        (messages.success if ok else messages.error)(request, message)
        return redirect("operations_service_configuration")
    form = ServiceConfigurationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        changed = form.changes()
        for name, new_value in changed.items():
            services.configure(name, new_value, request.user)
        messages.success(
            request,
            _("Saved %(count)s change(s). They apply from the next request, no restart needed.")
            % {"count": len(changed)},
        )
        return redirect("operations_service_configuration")
    return TemplateResponse(request, "operations/service_configuration.html", {"form": form})
