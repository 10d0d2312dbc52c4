from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0009_translated_sector_and_firm_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="is_partner_contact",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="referente di un partner"
            ),
        ),
    ]
