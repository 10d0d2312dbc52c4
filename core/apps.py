from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kit: imports Django and the standard library, never a project app."""

    name = "core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from core.fragment_cache import bump_reference_version

        # Data migrations save historical models, which send no signal to the receivers that
        # the apps connect for their reference data: bump once after every migrate.
        post_migrate.connect(bump_reference_version, sender=self, weak=False)
