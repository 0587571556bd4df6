from django.db import migrations

CATEGORIES = [
    ("Language tutor", "language-tutor", "One-to-one language lessons.", True),
    ("Chirologist", "chirologist", "Palm reading sessions.", False),
]


def create_categories(apps, schema_editor):
    GigCategory = apps.get_model("tutoring", "GigCategory")
    for name, slug, description, is_language in CATEGORIES:
        GigCategory.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "is_language_teaching": is_language,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("tutoring", "0002_no_double_booking")]

    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]
