"""The registries of kinds and audiences: filled by the apps at start-up, strict about names."""

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from notifications import registry, services
from notifications.models import Broadcast, Notification
from notifications.registry import Kind
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]

# Slugs are stored in Notification and Preference rows and name the translations' kinds: renaming
# or dropping one orphans rows, so the full list is pinned here, grouped by the owning app.
SLUGS_BY_APP = {
    "notifications": {"announcement"},
    "members": {
        "firm_approved",
        "firm_change_approved",
        "firm_change_rejected",
        "join_request_received",
        "join_request_accepted",
        "join_request_declined",
    },
    "missions": {
        "mission_published",
        "mission_cancelled",
        "registration_open",
        "application_received",
        "application_confirmed",
        "application_waitlisted",
        "application_offered",
        "application_rejected",
        "application_offer_expired",
        "mission_deadline_soon",
        "mission_starts_soon",
        "suggestions_ready",
        "meeting_wished",
        "meeting_accepted",
        "meeting_declined",
        "agenda_published",
        "meeting_changed",
        "meeting_cancelled_by_partner",
        "b2b_cancelled",
        "meeting_followup",
    },
    "board": {
        "board_new_post",
        "board_reply",
        "board_followed_reply",
        "mentorship_requested",
        "mentorship_accepted",
        "mentorship_declined",
    },
    "partners": {
        "partner_meeting_requested",
        "partner_meeting_accepted",
        "partner_meeting_declined",
        "partner_meeting_cancelled",
    },
    "checkup": {"checkup_path_item"},
    "missionday": {
        "board_meeting_placed",
        "board_meeting_placed_partner",
        "missionday_survey",
        "missionday_survey_partner",
    },
}
AUDIENCES = {"approved_firm_users", "mission_non_applicants", "mission_participants"}


def _project_modules():
    """(path, syntax tree) of every module of the project's own apps (migrations aside)."""
    for config in apps.get_app_configs():
        path = Path(config.path)
        if path.parent != ROOT:
            continue  # Django's and third-party apps
        for file in sorted(path.rglob("*.py")):
            if "migrations" not in file.parts:
                yield file, ast.parse(file.read_text(), filename=str(file))


def _kind_uses(tree: ast.AST):
    """(module, constant) for each `alias.CONSTANT` where alias is some app's notification_kinds."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for name in node.names:
                if name.name == "notification_kinds":
                    aliases[name.asname or name.name] = f"{node.module}.notification_kinds"
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr.isupper()
        ):
            yield aliases[node.value.id], node.attr


def test_every_app_registers_its_own_kinds_at_start_up():
    registered = {kind.slug for kind in registry.kinds()}
    assert registered == set().union(*SLUGS_BY_APP.values())
    for app, slugs in SLUGS_BY_APP.items():
        module = importlib.import_module(f"{app}.notification_kinds")
        declared = {v.slug: v for v in vars(module).values() if isinstance(v, Kind)}
        assert set(declared) == slugs, app
        for slug, kind in declared.items():
            assert registry.get_kind(slug) is kind


def test_every_kind_the_code_uses_is_registered():
    uses = set()
    for file, tree in _project_modules():
        for module, constant in _kind_uses(tree):
            kind = getattr(importlib.import_module(module), constant, None)
            assert isinstance(kind, Kind), f"{file}: {module}.{constant} is not a Kind"
            assert registry.get_kind(kind.slug) is kind
            uses.add(kind.slug)
    # The scan is not vacuous: the apps send kinds of every owner.
    for slugs in SLUGS_BY_APP.values():
        assert uses & slugs


def test_every_audience_the_code_uses_is_registered():
    used = set()
    for _file, tree in _project_modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "audience":
                if isinstance(node.value, ast.Constant):
                    used.add(node.value.value)
    assert used == AUDIENCES
    for name in AUDIENCES:
        assert callable(registry.get_audience(name))


def test_a_second_kind_with_a_registered_slug_is_refused():
    original = registry.get_kind("firm_approved")
    duplicate = Kind("firm_approved", _("Altro"), _("Altro"), _("Altro"))
    with pytest.raises(ImproperlyConfigured, match="'firm_approved' is registered twice"):
        registry.register_kind(duplicate)
    assert registry.get_kind("firm_approved") is original


def test_a_kind_with_an_unknown_email_default_is_refused():
    kind = Kind("test_bad_default", _("x"), _("x"), _("x"), default_email="weekly")
    with pytest.raises(ImproperlyConfigured, match="default_email"):
        registry.register_kind(kind)
    with pytest.raises(registry.UnknownKind):
        registry.get_kind("test_bad_default")


def test_a_second_audience_with_a_registered_name_is_refused():
    original = registry.get_audience("approved_firm_users")
    with pytest.raises(ImproperlyConfigured, match="'approved_firm_users' is registered twice"):
        registry.register_audience("approved_firm_users", lambda: None)
    assert registry.get_audience("approved_firm_users") is original


def test_an_unknown_slug_or_audience_raises_a_clear_error():
    with pytest.raises(registry.UnknownKind) as excinfo:
        registry.get_kind("no_such_kind")
    assert str(excinfo.value) == "Unknown notification kind 'no_such_kind': no app registered it"
    assert isinstance(excinfo.value, KeyError)  # the unsubscribe view turns KeyError into 404
    with pytest.raises(registry.UnknownAudience) as excinfo:
        registry.get_audience("nobody")
    assert str(excinfo.value) == "Unknown notification audience 'nobody': no app registered it"


@pytest.mark.django_db
def test_notifying_an_unknown_kind_or_audience_writes_nothing():
    with pytest.raises(registry.UnknownKind):
        services.notify(recipients=[UserFactory()], kind="no_such_kind")
    with pytest.raises(registry.UnknownAudience):
        services.notify_audience(audience="nobody", kind="announcement")
    with pytest.raises(registry.UnknownKind):
        services.notify_audience(audience="approved_firm_users", kind="no_such_kind")
    assert not Notification.objects.exists()
    assert not Broadcast.objects.exists()
