"""Dates follow each language's format (issue 17): German "25. Dezember 2026", no hard-coded
"j F Y" in a template, a one-day mission shows one date, and notifications show dates in their
recipient's language, not in the language of whoever caused them."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from missions.models import Mission
from missions.services import missions as mission_services
from notifications.emails import build_notification_email
from notifications.models import Broadcast, Notification
from notifications.services import broadcast_expand
from tests.factories import MembershipFactory, MissionFactory, ProgrammeItemFactory, city
from tests.support.clients import login

ROOT = Path(settings.BASE_DIR)
CHRISTMAS = dt.date(2026, 12, 25)

# A literal format with a day in it ("j F Y", "l j F Y", "d/m/Y", "j M Y, H:i"): the named ones
# (DATE_FORMAT, SHORT_DATE_FORMAT, …) follow the reader's language, these do not.
_TEMPLATE_DATE = re.compile(r"""\|date:["']([^"']*)["']""")
_PY_DATE_FORMAT = re.compile(r"""date_format\([^)]*?,\s*["']([^"']*)["']""")
_HUMAN_STRFTIME = re.compile(r"%[de][ ./]%[mbB]|%[bB] %[de]")


def _hard_coded(fmt: str) -> bool:
    return not re.fullmatch(r"[A-Z_]+", fmt) and bool(re.search(r"[jdDlN]", fmt))


def test_no_template_or_module_hard_codes_a_day_month_year_format():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in {".html", ".txt", ".ics"}:
            for fmt in _TEMPLATE_DATE.findall(path.read_text()):
                if _hard_coded(fmt):
                    offenders.append(f"{path.relative_to(ROOT)}: {fmt}")
    apps = ["core", "members", "missions", "partners", "notifications", "board", "pages"]
    apps += ["staff", "privacy", "health", "club"]
    for app in apps:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or "formats" in path.parts:
                continue
            text = path.read_text()
            offenders += [
                f"{path.relative_to(ROOT)}: {fmt}"
                for fmt in _PY_DATE_FORMAT.findall(text)
                if _hard_coded(fmt)
            ]
            offenders += [f"{path.relative_to(ROOT)}: {m}" for m in _HUMAN_STRFTIME.findall(text)]
    assert offenders == []


def _render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load dates %}" + source).render(Context(context))


RANGES = [
    # (start, end, it, de, en)
    (CHRISTMAS, CHRISTMAS, "25 dicembre 2026", "25. Dezember 2026", "25 December 2026"),
    (
        dt.date(2027, 3, 3),
        dt.date(2027, 3, 5),
        "3–5 marzo 2027",
        "3.–5. März 2027",
        "3–5 March 2027",
    ),
    (
        dt.date(2027, 2, 28),
        dt.date(2027, 3, 3),
        "28 febbraio – 3 marzo 2027",
        "28. Februar – 3. März 2027",
        "28 February – 3 March 2027",
    ),
    (
        dt.date(2026, 12, 30),
        dt.date(2027, 1, 2),
        "30 dicembre 2026 – 2 gennaio 2027",
        "30. Dezember 2026 – 2. Januar 2027",
        "30 December 2026 – 2 January 2027",
    ),
]


@pytest.mark.parametrize(("start", "end", "it", "de", "en"), RANGES)
def test_the_date_range_filter_writes_each_language_its_way(start, end, it, de, en):
    source = "{{ start|date_range:end }}"
    assert _render(source, "it", start=start, end=end) == it
    assert _render(source, "de", start=start, end=end) == de
    assert _render(source, "en", start=start, end=end) == en


def test_a_one_day_range_is_one_date_and_a_missing_end_too():
    for language, text in [("it", "25 dicembre 2026"), ("de", "25. Dezember 2026")]:
        assert _render("{{ d|date_range:d }}", language, d=CHRISTMAS) == text
        assert _render("{{ d|date_range }}", language, d=CHRISTMAS) == text
    assert _render("{{ d|date_range }}", "en", d=None) == ""


def test_day_headings_and_named_formats_per_language():
    assert _render("{{ d|day_heading }}", "it", d=CHRISTMAS) == "venerdì 25 dicembre 2026"
    assert _render("{{ d|day_heading }}", "de", d=CHRISTMAS) == "Freitag, 25. Dezember 2026"
    assert _render("{{ d|day_heading }}", "en", d=CHRISTMAS) == "Friday 25 December 2026"
    assert _render("{{ d|date }}", "de", d=CHRISTMAS) == "25. Dezember 2026"
    assert _render("{{ d|date }}", "it", d=CHRISTMAS) == "25 dicembre 2026"
    # English as read in Europe: day before month, not Django's American "Dec. 25, 2026".
    assert _render("{{ d|date }}", "en", d=CHRISTMAS) == "25 December 2026"
    assert _render('{{ d|date:"SHORT_DATE_FORMAT" }}', "en", d=CHRISTMAS) == "25/12/2026"


@pytest.mark.django_db
def test_a_german_reader_sees_a_one_day_mission_as_one_german_date(owner):
    mission = MissionFactory(
        title="Messe Köln",
        start_date=CHRISTMAS,
        end_date=CHRISTMAS,
        registration_deadline=dt.datetime(2026, 12, 1, 18, tzinfo=dt.UTC),
    )
    ProgrammeItemFactory(
        mission=mission,
        city=city("koeln"),
        starts_at=dt.datetime(2026, 12, 25, 10, tzinfo=city("koeln").tz),
        ends_at=dt.datetime(2026, 12, 25, 12, tzinfo=city("koeln").tz),
    )
    german = login(owner, language="de")
    detail = german.get(reverse("missions:detail", args=[mission.pk])).content.decode()
    assert "25. Dezember 2026" in detail
    assert "Freitag, 25. Dezember 2026" in detail  # the programme's day heading
    assert "1. Dezember 2026, 19:00" in detail  # the registration deadline, Rome time
    assert "25 dicembre" not in detail
    assert "25. Dezember 2026 – 25. Dezember 2026" not in detail
    listed = german.get(reverse("missions:list")).content.decode()
    assert "25. Dezember 2026" in listed
    italian = login(owner, language="it")
    detail = italian.get(reverse("missions:detail", args=[mission.pk])).content.decode()
    assert "25 dicembre 2026" in detail
    assert "25 dicembre 2026 – 25 dicembre 2026" not in detail


@pytest.mark.django_db
def test_a_notification_shows_the_dates_in_its_recipients_language():
    mission = MissionFactory(
        title="Missione a Colonia",
        title_de="Mission nach Köln",
        status=Mission.Status.DRAFT,
        start_date=dt.date(2027, 3, 3),
        end_date=dt.date(2027, 3, 5),
    )
    german = MembershipFactory(user__language="de").user
    italian = MembershipFactory(user__language="it").user
    with translation.override("it"):  # staff publish in Italian
        assert mission_services.mission_publish(mission_id=mission.pk)
    broadcast_expand(broadcast_id=Broadcast.objects.get(object_key=f"mission:{mission.pk}").pk)
    bodies = {
        n.recipient_id: build_notification_email(n).body
        for n in Notification.objects.filter(recipient__in=[german, italian])
    }
    assert "3.–5. März 2027" in bodies[german.pk]
    assert "3–5 marzo 2027" in bodies[italian.pk]
