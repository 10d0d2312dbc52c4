"""The Club's first sectors, with their ATECO 2007 divisions. Staff add more in admin."""

from django.db import migrations

SECTORS = [
    # Metalworking: metallurgy, metal products, machinery, vehicles' parts.
    ("Metalmeccanico", "metalmeccanico", ["24", "25", "28", "29", "30", "33"]),
    # Stone: quarrying (08) and cutting, shaping and finishing of stone (23.7).
    ("Lapideo", "lapideo", ["08", "23"]),
    # Agri-food: farming, food and beverages (wine, bresaola, cheese, apples).
    ("Agroalimentare", "agroalimentare", ["01", "10", "11"]),
]


def add_sectors(apps, schema_editor):
    Sector = apps.get_model("members", "Sector")
    for name, slug, prefixes in SECTORS:
        Sector.objects.update_or_create(
            slug=slug, defaults={"name": name, "ateco_prefixes": prefixes}
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(add_sectors, migrations.RunPython.noop)]
