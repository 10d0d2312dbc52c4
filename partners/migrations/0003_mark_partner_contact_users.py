from django.db import migrations


def mark(apps, schema_editor):
    """Existing contacts get the header's flag (members.User.is_partner_contact)."""
    User = apps.get_model("members", "User")
    PartnerContact = apps.get_model("partners", "PartnerContact")
    User.objects.filter(
        pk__in=PartnerContact.objects.values("user_id")
    ).update(is_partner_contact=True)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_co_organisers"),
        ("members", "0010_user_is_partner_contact"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
