from django.apps import AppConfig


class ClubConfig(AppConfig):
    name = "club"
    verbose_name = "Club degli Esportatori"

    def ready(self) -> None:
        # Cache invalidation, not domain logic: any change to the reference data the cached
        # filter forms are built from (club/cache.py), from admin, code or fixtures.
        from django.db.models.signals import post_delete, post_save

        from board.models import Tag
        from club.cache import bump_reference_version
        from members.models import Sector
        from missions.models import City

        for model in (Sector, City, Tag):
            post_save.connect(bump_reference_version, sender=model, weak=False)
            post_delete.connect(bump_reference_version, sender=model, weak=False)
