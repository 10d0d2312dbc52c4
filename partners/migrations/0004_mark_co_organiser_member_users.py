from django.db import migrations


def mark(apps, schema_editor):
    """Existing co-organisers' members get the flag (members.User.is_co_organiser_member)."""
    User = apps.get_model("members", "User")
    CoOrganiserMember = apps.get_model("partners", "CoOrganiserMember")
    User.objects.filter(pk__in=CoOrganiserMember.objects.values("user_id")).update(
        is_co_organiser_member=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0003_mark_partner_contact_users"),
        ("members", "0011_user_is_co_organiser_member"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
