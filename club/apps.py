from django.apps import AppConfig


class ClubConfig(AppConfig):
    name = "club"
    verbose_name = "Club degli Esportatori"

    def ready(self) -> None:
        # Cache invalidation, not domain logic: any committed change to the reference data the
        # cached filter forms and cards are built from (club/cache.py), from admin or code.
        from django.db.models.signals import post_delete, post_migrate, post_save

        from board.models import Tag
        from club.cache import bump_reference_version
        from members.models import Sector
        from missions.models import City

        for model in (Sector, City, Tag):
            post_save.connect(bump_reference_version, sender=model, weak=False)
            post_delete.connect(bump_reference_version, sender=model, weak=False)
        # Data migrations save historical models, which send no signal to these receivers.
        post_migrate.connect(bump_reference_version, sender=self, weak=False)
