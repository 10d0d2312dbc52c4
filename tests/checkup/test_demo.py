"""seed_demo gives the demo firms check-ups at different stages (issue 19)."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from checkup.models import CheckUp
from members.models import User
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def test_the_demo_firms_have_check_ups_at_different_stages():
    with override_settings(DEBUG=True):  # seed_demo runs only in development
        call_command("seed_demo", verbosity=0)
        call_command("seed_demo", verbosity=0)  # idempotent
    counts = {
        name: CheckUp.objects.filter(firm__name=name, completed_at__isnull=False).count()
        for name in (
            "Graniti Val Masino S.r.l.",
            "Pietre di Chiavenna S.n.c.",
            "Officine Meccaniche Adda S.r.l.",
        )
    }
    assert counts == {
        "Graniti Val Masino S.r.l.": 0,
        "Pietre di Chiavenna S.n.c.": 1,
        "Officine Meccaniche Adda S.r.l.": 2,
    }
    mentor = User.objects.get(email="mentore@club.example")
    latest = CheckUp.objects.filter(firm__name="Officine Meccaniche Adda S.r.l.").first()
    page = login(mentor).get(reverse("checkup:result", args=[latest.pk])).content.decode()
    assert "rispetto al check-up del" in page
    my_firm = login(mentor).get(reverse("my_firm")).content.decode()
    assert "Ultimo check-up" in my_firm
