from django.db import migrations


class Migration(migrations.Migration):
    """Booking.provider is where the lesson takes place (classroom or Zoom), not the payment
    provider: the name now says so. The API keeps its `provider` key."""

    dependencies = [("tutoring", "0007_group_session_level")]

    operations = [
        migrations.RenameField("booking", "provider", "meeting_provider"),
    ]
