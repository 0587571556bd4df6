from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .teachers import TeacherListing


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeeklyHours(models.Model):
    """Recurring hours, as wall-clock times in the listing's time zone: "Mondays 09:00-12:00"
    stays 09:00-12:00 local through daylight-saving changes (the UTC instants move)."""

    listing = models.ForeignKey(
        TeacherListing, on_delete=models.CASCADE, related_name="weekly_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name_plural = _("weekly hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="tutoring_hours_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class ExceptionKind(models.TextChoices):
    TIME_OFF = "time_off", _("Time off")
    EXTRA = "extra", _("Extra hours")


class AvailabilityException(models.Model):
    """A one-off change to the weekly hours. Stored as UTC instants (entered in local time)."""

    listing = models.ForeignKey(
        TeacherListing, on_delete=models.CASCADE, related_name="availability_exceptions"
    )
    kind = models.CharField(max_length=16, choices=ExceptionKind.choices)
    start = models.DateTimeField()
    end = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="tutoring_exception_ordered"
            ),
        ]
        indexes = [models.Index(fields=["listing", "start"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d %H:%M}"


class OfferedHoursWeek(models.Model):
    """The verified teachers' recurring weekly hours in total, as they stood at the last
    change within a UTC week (Monday): the history weekly hours do not keep, for the fill
    rate of past weeks. Written by ``tutoring.services.availability_history`` after every
    change of weekly hours or of a listing's verification; a week without a row carries the
    last earlier one forward."""

    week = models.DateField(unique=True)
    minutes = models.PositiveIntegerField()
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["week"]
        verbose_name = _("offered hours in a week")
        verbose_name_plural = _("offered hours per week")

    def __str__(self) -> str:
        return f"{self.week}: {self.minutes} min"
