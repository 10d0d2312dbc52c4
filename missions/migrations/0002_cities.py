"""The Club's destinations (and Sondrio, where pre-departure briefings take place)."""

from django.db import migrations

CITIES = [
    ("Colonia", "Köln", "koeln", "DE", "Europe/Berlin"),
    ("Dortmund", "Dortmund", "dortmund", "DE", "Europe/Berlin"),
    ("Lipsia", "Leipzig", "leipzig", "DE", "Europe/Berlin"),
    ("Berlino", "Berlin", "berlin", "DE", "Europe/Berlin"),
    ("Sondrio", "Sondrio", "sondrio", "IT", "Europe/Rome"),
]


def add_cities(apps, schema_editor):
    City = apps.get_model("missions", "City")
    for name, local, slug, country, tz in CITIES:
        City.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "local_name": local, "country": country, "time_zone": tz},
        )


class Migration(migrations.Migration):
    dependencies = [("missions", "0001_initial")]

    operations = [migrations.RunPython(add_cities, migrations.RunPython.noop)]
