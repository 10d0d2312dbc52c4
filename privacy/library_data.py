"""The privacy contributor for the tables of Django and the libraries, which no app of ours owns:
the database sessions, the admin log and the authors of django-simple-history changes.

(allauth's email addresses are the account's, so members covers them.) Registered from
PrivacyConfig.ready; its steps run after every app's.
"""

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.db.models import Model

from core import sessions
from core.privacy import Contributor, Erasure, ErasureStep


def _delete_sessions(user_id: int) -> int:
    """Django's database sessions do not link users: decode each one and match the user id."""
    keys = [
        session.session_key
        for session in Session.objects.only("session_key", "session_data").iterator(chunk_size=2000)
        if session.get_decoded().get("_auth_user_id") == str(user_id)
    ]
    deleted = Session.objects.filter(session_key__in=keys).delete()[0]
    sessions.forget_cached(keys)  # and their copies in Redis (core/sessions.py)
    return deleted


def historical_models() -> list[type[Model]]:
    """Every simple-history table: the models with a `history_user` column."""
    return [
        model
        for model in apps.get_models()
        if any(f.name == "history_user" for f in model._meta.concrete_fields)
    ]


def _delete(erasure: Erasure) -> dict[str, int]:
    # Logs the person out everywhere.
    return {"sessions": _delete_sessions(erasure.user.pk)}


def _scrub(erasure: Erasure) -> dict[str, int]:
    # Staff edits of the person's account: the log keeps their name as the object's label.
    fields = ["object_repr", "change_message"]
    return {"admin_log": erasure.scrub_rows(LogEntry.objects.all(), fields)}


def _history(erasure: Erasure) -> dict[str, int]:
    # The history middleware stamps the changes made during the erasure with the person too.
    user_id = erasure.user.pk
    return {
        "history_user": sum(
            model._default_manager.filter(history_user_id=user_id).update(history_user=None)
            for model in historical_models()
        ),
    }


CONTRIBUTOR = Contributor(
    app_label="privacy",
    order=100,  # after every app: their steps write the history rows this one clears
    erasure={
        ErasureStep.DELETE: _delete,
        ErasureStep.SCRUB: _scrub,
        ErasureStep.HISTORY: _history,
    },
    not_exported={
        "admin.LogEntry": "The staff's log of admin changes: about the Club's work, not the "
        "person's.",
        "sessions.Session": "Technical login state, not information about the person.",
    },
    erased={
        "admin.LogEntry",  # the person's name and email scrubbed
        "sessions.Session",  # the person's deleted
    },
)
