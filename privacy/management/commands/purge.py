"""`manage.py purge [sessions|notifications|accounts|files ...]`: the nightly retention purges,
by hand (all four without arguments). Beat runs the same services (privacy.tasks)."""

from django.core.management.base import BaseCommand, CommandError

from privacy import retention


class Command(BaseCommand):
    help = (
        "Remove what the portal no longer keeps: expired sessions, old read notifications, "
        "accounts never verified, files no row points to. Names: " + ", ".join(retention.PURGES)
    )

    def add_arguments(self, parser):
        parser.add_argument("purges", nargs="*", metavar="PURGE")

    def handle(self, *args, purges, **options):
        unknown = sorted(set(purges) - set(retention.PURGES))
        if unknown:
            raise CommandError(
                f"Unknown purge {', '.join(unknown)}: use {', '.join(retention.PURGES)}."
            )
        for name in purges or retention.PURGES:
            removed = retention.PURGES[name]()
            count = "expired ones" if removed is None else removed
            self.stdout.write(f"{name}: removed {count}")
