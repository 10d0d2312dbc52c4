"""The board's starting tags: the Club's sectors, German places, export topics."""

from django.db import migrations

TAGS = [
    ("sector", "Metalmeccanico", "metalmeccanico"),
    ("sector", "Lapideo", "lapideo"),
    ("sector", "Agroalimentare", "agroalimentare"),
    ("place", "Colonia", "colonia"),
    ("place", "Dortmund", "dortmund"),
    ("place", "Lipsia", "lipsia"),
    ("place", "Berlino", "berlino"),
    ("place", "Renania Settentrionale-Vestfalia", "nrw"),
    ("place", "Sassonia", "sassonia"),
    ("place", "Baviera", "baviera"),
    ("topic", "Logistica", "logistica"),
    ("topic", "Certificazioni", "certificazioni"),
    ("topic", "Fiere", "fiere"),
    ("topic", "Pagamenti", "pagamenti"),
    ("topic", "Lingua", "lingua"),
    ("topic", "Ricerca partner", "ricerca-partner"),
    ("topic", "Dogane e IVA", "dogane-iva"),
    ("topic", "Contratti", "contratti"),
]


def add_tags(apps, schema_editor):
    Tag = apps.get_model("board", "Tag")
    for kind, name, slug in TAGS:
        Tag.objects.update_or_create(kind=kind, slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("board", "0001_initial")]

    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
