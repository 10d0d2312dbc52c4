"""The check-up's questionnaire for tests that flush the database (transactional tests and the
browser journeys): version 1 comes from a data migration, which a flush removes."""

from importlib import import_module

from django.apps import apps

from checkup.models import Questionnaire


def published_questionnaire() -> Questionnaire:
    """The published questionnaire, recreated from the data migration if it was flushed."""
    found = Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED).first()
    if found:
        return found
    migration = import_module("checkup.migrations.0002_questionnaire_version_1")
    migration.create_version_1(apps, None)
    return Questionnaire.objects.get(status=Questionnaire.Status.PUBLISHED)
