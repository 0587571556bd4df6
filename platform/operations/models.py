"""Operator settings: maintenance mode (and, in configuration.py's model, service keys)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="warning")
class MaintenanceSettings(BaseGenericSetting):
    """While on, only staff use the site: everyone else gets the maintenance page (website)
    or a 503 with Retry-After (API). Health checks, sign-in and the admin stay reachable.
    Every change is in the admin's log (Wagtail logs settings edits)."""

    enabled = models.BooleanField(_("maintenance mode on"), default=False)
    message = models.TextField(
        _("message"),
        blank=True,
        default="",
        help_text=_("Shown to learners and sent in API errors. Empty: a standard sentence."),
    )
    retry_after_minutes = models.PositiveIntegerField(
        _("expected to last (minutes)"),
        default=30,
        help_text=_("Sent to apps as Retry-After, so they know when to try again."),
    )

    panels = [FieldPanel("enabled"), FieldPanel("message"), FieldPanel("retry_after_minutes")]

    class Meta:
        verbose_name = _("maintenance mode")


class ServiceSetting(models.Model):
    """One stored service credential or address (operations.configuration.SERVICE_KEYS),
    encrypted with the MultiFernet keys. Written only by operations.services.configure."""

    name = models.CharField(max_length=64, unique=True)
    ciphertext = models.TextField()
    # The last characters, for recognising a key without showing it (secrets only).
    hint = models.CharField(max_length=16, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("service setting")

    def __str__(self) -> str:
        return self.name
