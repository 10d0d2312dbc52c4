"""The "new post" notices kept their topics as "topics" (with "—" for none); the text now reads
`in_topics` (" (Fiere, Logistica)" or nothing), so rows already in inboxes are rewritten."""

from django.db import migrations


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    rows = Notification.objects.filter(kind="board_new_post", context__has_key="topics")
    for row in rows.iterator():
        topics = row.context.pop("topics")
        row.context["in_topics"] = f" ({topics})" if topics and topics != "—" else ""
        row.save(update_fields=["context"])


def backwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    rows = Notification.objects.filter(kind="board_new_post", context__has_key="in_topics")
    for row in rows.iterator():
        in_topics = row.context.pop("in_topics")
        row.context["topics"] = in_topics.strip().removeprefix("(").removesuffix(")") or "—"
        row.save(update_fields=["context"])


class Migration(migrations.Migration):
    dependencies = [
        ("board", "0007_mentorship_decided_by"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
