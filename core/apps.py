from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kit: imports Django and the standard library, never a project app."""

    name = "core"

    def ready(self) -> None:
        from django.conf import settings
        from django.core.signals import request_finished
        from django.db.models.signals import post_delete, post_migrate, post_save

        from core.auth import forget_prefetched, forget_user
        from core.fragment_cache import bump_reference_version

        # The signed-in user's cached copy (core/auth.py) goes with every save or delete.
        post_save.connect(forget_user, sender=settings.AUTH_USER_MODEL, weak=False)
        post_delete.connect(forget_user, sender=settings.AUTH_USER_MODEL, weak=False)
        request_finished.connect(forget_prefetched, weak=False)

        # Data migrations save historical models, which send no signal to the receivers that
        # the apps connect for their reference data: bump once after every migrate.
        post_migrate.connect(bump_reference_version, sender=self, weak=False)
