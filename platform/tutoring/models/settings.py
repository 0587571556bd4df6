from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="date")
class TutoringSettings(BaseGenericSetting):
    """The marketplace's policies, edited by admins (Settings → Tutoring)."""

    hold_minutes = models.PositiveSmallIntegerField(_("hold while paying (minutes)"), default=10)
    request_hold_hours = models.PositiveSmallIntegerField(
        _("hold after a time request is accepted (hours)"), default=24
    )
    free_cancellation_hours = models.PositiveSmallIntegerField(
        _("learners cancel free of charge until (hours before)"), default=24
    )
    late_cancellation_refund_percent = models.PositiveSmallIntegerField(
        _("refund for a later cancellation (%)"), default=50
    )
    no_show_grace_minutes = models.PositiveSmallIntegerField(
        _("no-show after (minutes without joining)"), default=15
    )
    teacher_no_show_refund_percent = models.PositiveSmallIntegerField(
        _("refund when the teacher does not show (%)"), default=100
    )
    learner_no_show_refund_percent = models.PositiveSmallIntegerField(
        _("refund when the learner does not show (%)"), default=0
    )
    auto_complete_hours = models.PositiveSmallIntegerField(
        _("fixed-price lessons complete automatically after (hours without a dispute)"),
        default=48,
    )

    commission_percent = models.PositiveSmallIntegerField(
        _("platform commission on lessons and gifts (%)"), default=15
    )

    class Meta:
        verbose_name = _("tutoring")
