"""Bookings remember their destination's time zone (arrival reminders and cancellation
deadlines count days there); existing bookings take it from their listing's destination."""

from django.db import migrations, models

STEPLEN = 4  # treebeard's path step, as Wagtail's Page uses it


def fill_time_zones(apps, schema_editor):  # type: ignore[no-untyped-def]
    AbroadBooking = apps.get_model("abroad", "AbroadBooking")
    Page = apps.get_model("wagtailcore", "Page")
    DestinationPage = apps.get_model("cms_abroad", "DestinationPage")
    zones = {d.path: d.time_zone for d in DestinationPage.objects.only("path", "time_zone")}
    for booking in AbroadBooking.objects.only("id", "course_id", "homestay_id").iterator():
        page_id = booking.course_id or booking.homestay_id
        page = Page.objects.filter(pk=page_id).only("path", "depth").first()
        if page is None:
            continue
        for depth in range(page.depth - 1, 0, -1):
            zone = zones.get(page.path[: depth * STEPLEN])
            if zone:
                AbroadBooking.objects.filter(pk=booking.pk).update(time_zone=zone)
                break


class Migration(migrations.Migration):
    dependencies = [
        ("abroad", "0010_encrypt_application_phone"),
        ("cms_abroad", "0002_course_type"),
    ]

    operations = [
        migrations.AddField(
            model_name="abroadbooking",
            name="time_zone",
            field=models.CharField(default="UTC", max_length=64),
        ),
        migrations.RunPython(fill_time_zones, migrations.RunPython.noop),
    ]
