from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SecurityEventKind(models.TextChoices):
    ADMIN_SIGN_IN_FAILED = "admin_sign_in_failed", _("Failed admin sign-in")
    ADMIN_NETWORK_REFUSED = "admin_network_refused", _("Admin refused: address not allowed")


class SecurityEvent(models.Model):
    """Something a security review wants to see (core.security records it, and logs it as
    structured JSON too). Append-only in practice: the admin lists and inspects them."""

    kind = models.CharField(max_length=40, choices=SecurityEventKind.choices, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=255, blank=True)
    identifier = models.CharField(
        max_length=254, blank=True, help_text=_("The email address or username tried.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_agent = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.ip or '?'}"
