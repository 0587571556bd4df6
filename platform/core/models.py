from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
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


class FeatureFlag(models.Model):
    """A feature that can be switched on for everyone, some roles, some countries or a share
    of people. Read only through :func:`core.flags.enabled` (cached, invalidated on save).

    Every condition set must hold: ``enabled``, then membership of one of ``groups`` (roles
    are groups), then the person's profile country in ``countries``, then the rollout share.
    """

    name = models.CharField(
        _("name"),
        max_length=80,
        unique=True,
        validators=[
            RegexValidator(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$", _("Lower-case words joined by dots."))
        ],
        help_text=_("What the code asks for, e.g. ai.grammar_check or social.moments."),
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    enabled = models.BooleanField(_("on"), default=False)
    groups = models.ManyToManyField(
        "auth.Group",
        verbose_name=_("only for roles"),
        blank=True,
        related_name="+",
        help_text=_("Empty: every role."),
    )
    countries = models.CharField(
        _("only in countries"),
        max_length=255,
        blank=True,
        help_text=_("Two-letter codes separated by commas, e.g. ES, MX. Empty: everywhere."),
    )
    rollout_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("rollout (% of people)"),
        default=100,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The same people stay in as the share grows (a hash of flag and user)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("feature flag")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rollout_percent__lte=100), name="core_flag_rollout_percent"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def country_codes(self) -> list[str]:
        return [code.strip().upper() for code in self.countries.split(",") if code.strip()]
