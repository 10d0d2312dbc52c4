"""Every admin action declares the model permission it needs (issue 14): a staff member who may
only view cannot run any of them, on any registered ModelAdmin."""

import dataclasses

import pytest
from django.contrib import admin
from django.contrib.admin import ActionLocation, ModelAdmin
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.urls import reverse

from missions.models import MeetingRequest, Partner
from tests.factories import FirmFactory, MissionFactory, StaffFactory, city
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def _view_only_staff():
    """Staff with two-factor authentication and the view permission on every model, nothing more."""
    user = StaffFactory(is_superuser=False)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return type(user).objects.get(pk=user.pk)  # fresh: no cached permissions


def _actions():
    """(model admin, action) for every action of every registered ModelAdmin, both locations."""
    for model_admin in admin.site._registry.values():
        for location in ActionLocation:
            for action in model_admin._get_base_actions(action_location=location):
                yield model_admin, location, action


def test_every_admin_action_declares_a_permission_beyond_view():
    undeclared = [
        f"{type(model_admin).__name__}.{action.name}"
        for model_admin, _location, action in _actions()
        if not set(getattr(action.func, "allowed_permissions", ())) - {"view"}
    ]
    assert not undeclared
    assert len({(type(m), a.name) for m, _l, a in _actions()}) > 30  # the walk found them all


def test_view_only_staff_get_no_action_in_any_admin():
    user = _view_only_staff()
    request = RequestFactory().get(reverse("admin:index"))
    request.user = user
    offered = [
        f"{type(model_admin).__name__}.{name}"
        for model_admin in admin.site._registry.values()
        for location in ActionLocation
        for name in model_admin.get_actions(request, action_location=location)
    ]
    assert not offered


def test_view_only_staff_cannot_run_any_action_by_posting_it(monkeypatch):
    """Posted anyway (a crafted request, on the demo data), no action runs."""
    with override_settings(DEBUG=True):  # seed_demo runs only in development
        call_command("seed_demo", verbosity=0)
    ran = []
    filter_actions = ModelAdmin._filter_actions_by_permissions

    def recording(self, request, actions):
        # The actions the admin lets this request run, each wrapped to record that it ran.
        def recorded(action):
            def func(modeladmin, request, queryset):
                ran.append(f"{type(modeladmin).__name__}.{action.name}")
                return action.func(modeladmin, request, queryset)

            return dataclasses.replace(action, func=func)

        return [recorded(action) for action in filter_actions(self, request, actions)]

    monkeypatch.setattr(ModelAdmin, "_filter_actions_by_permissions", recording)
    client = login(_view_only_staff())
    posted = 0
    for model_admin, location, action in _actions():
        if location is not ActionLocation.CHANGE_LIST:
            continue
        opts = model_admin.model._meta
        obj = model_admin.model._default_manager.order_by("pk").last()
        client.post(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            {
                "action": action.name,
                "_selected_action": [obj.pk] if obj else ["1"],
                "index": "0",
                "reason": "Prova",  # what the moderation actions ask for
            },
        )
        posted += 1
    assert not ran
    assert posted > 30


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_view_only_staff_cannot_decide_meeting_requests(action):
    partner = Partner.objects.create(name="Kaufhaus", kind="buyer", city=city("koeln"))
    request = MeetingRequest.objects.create(
        mission=MissionFactory(), firm=FirmFactory(), partner=partner
    )
    client = login(_view_only_staff())
    client.post(
        reverse("admin:missions_meetingrequest_changelist"),
        {"action": action, "_selected_action": [request.pk], "index": "0"},
    )
    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.REQUESTED
