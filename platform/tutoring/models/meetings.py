from django.db import models

from .bookings import Booking


class ZoomWebhookEvent(models.Model):
    """Every Zoom webhook delivery we acted on, keyed by the digest of its signed body: Zoom
    retries deliveries (and anyone can replay a captured one inside the signature's freshness
    window), and a repeated body must change nothing."""

    digest = models.CharField(max_length=64, unique=True)
    event = models.CharField(max_length=64)
    meeting_id = models.CharField(max_length=32, blank=True, db_index=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.event} ({self.meeting_id})"


class ZoomAttendance(models.Model):
    """One participant's stay in a lesson's Zoom meeting, from ``meeting.participant_joined``
    to ``meeting.participant_left``: billing reads it as the classroom's Attendance."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="zoom_attendance")
    participant = models.CharField(max_length=64)  # Zoom's participant_uuid (one per visit)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    is_host = models.BooleanField(default=False)
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "participant", "joined_at"], name="tutoring_zoom_visit_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name or self.participant} in {self.booking_id}"
