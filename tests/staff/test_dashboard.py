"""The staff dashboard (Cruscotto del Club): figures, filters, CSV exports, access, query count."""

import csv
import datetime as dt
import html
import io
import zoneinfo

import pytest
from django.urls import reverse

from board.models import Comment, MentorshipRequest, Post
from members.models import Firm, Sector
from missions.models import Application, Meeting, MeetingRequest, Mission, Partner
from notifications.models import Notification
from staff import figures as staff_figures
from staff.figures import Figure, Filters, Row, filters_from_params
from staff.templatetags.charts import bar_chart, line_chart
from tests.factories import (
    ApplicationFactory,
    FirmFactory,
    MembershipFactory,
    MissionFactory,
    StaffFactory,
    city,
    member,
    sector,
)
from tests.support.clients import login
from tests.support.urls import assert_public_path

pytestmark = pytest.mark.django_db

ROME = zoneinfo.ZoneInfo("Europe/Rome")
URL = reverse("staff_dashboard:index")
COMUNI = [
    "Sondrio",
    "Tirano",
    "Bormio",
    "Chiavenna",
    "Delebio",
    "Grosio",
    "Livigno",
    "Morbegno",
    "Piuro",
    "Sondalo",
    "Talamona",
    "Teglio",
]
PERIOD = {"dal": "2025-01-01", "al": "2025-12-31"}
YEAR_2025 = Filters(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31))


def at(year, month, day, hour=12, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=ROME)


def csv_url(slug: str) -> str:
    return reverse("staff_dashboard:csv", args=[slug])


def created(obj, when: dt.datetime):
    """Backdate an auto_now_add created_at."""
    type(obj).objects.filter(pk=obj.pk).update(created_at=when)
    return obj


def firm(name, sector_slug, comune, export_share, approved_at, **kwargs) -> Firm:
    return FirmFactory(
        name=name,
        sector=sector(sector_slug),
        comune=comune,
        export_share=export_share,
        approved_at=approved_at,
        **kwargs,
    )


def in_sector(slug: str) -> Filters:
    return Filters(YEAR_2025.date_from, YEAR_2025.date_to, Sector.objects.get(slug=slug))


@pytest.fixture
def club():
    """A small Club whose every figure for 2025 is known by hand (see the tests' numbers)."""
    f = {
        "A": firm("Adda", "metalmeccanico", "Sondrio", 50, at(2024, 6, 10), is_mentor=True),
        "B": firm("Bitto", "metalmeccanico", "Morbegno", 0, at(2025, 2, 15)),
        "C": firm("Cava", "lapideo", "Sondrio", 10, at(2025, 2, 20)),
        "D": firm("Dazio", "lapideo", "Chiavenna", 0, at(2025, 5, 3)),
        # Joins after the period, or is not a member: never counted for 2025.
        "E": firm("Enoteca", "agroalimentare", "Tirano", 0, at(2026, 2, 1)),
        "F": firm("Fucina", "metalmeccanico", "Sondrio", 10, None, status=Firm.Status.PENDING),
        "G": firm("Gneiss", "lapideo", "Sondrio", 10, at(2025, 3, 1), status="rejected"),
    }
    metal, stone, food = sector("metalmeccanico"), sector("lapideo"), sector("agroalimentare")
    m1 = MissionFactory(
        title="Colonia",
        start_date=dt.date(2025, 3, 10),
        end_date=dt.date(2025, 3, 12),
        seats=3,
        sectors=[metal, stone],
        published_at=at(2025, 1, 10),
    )
    m2 = MissionFactory(
        title="Lipsia",
        start_date=dt.date(2025, 10, 1),
        end_date=dt.date(2025, 10, 3),
        seats=2,
        sectors=[food],
        status=Mission.Status.CLOSED,
        published_at=at(2025, 6, 1),
    )
    # Published after the period: not active in 2025.
    m3 = MissionFactory(
        start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2026, 3, 3),
        seats=5,
        published_at=at(2026, 1, 10),
    )
    draft = MissionFactory(start_date=dt.date(2025, 6, 1), status=Mission.Status.DRAFT)
    cancelled = MissionFactory(start_date=dt.date(2025, 6, 1), status=Mission.Status.CANCELLED)
    S = Application.Status
    for mission, key, status, extra in [
        (
            m1,
            "B",
            S.CONFIRMED,
            {"attended": True, "contacts_made": 3, "followup_meetings": 1, "deals_in_progress": 1},
        ),
        (m1, "C", S.CONFIRMED, {"attended": True, "contacts_made": 2, "followup_meetings": 2}),
        (m1, "D", S.OFFERED, {}),
        (m1, "A", S.WAITLISTED, {}),
        (m2, "A", S.CONFIRMED, {"attended": False}),
        (m2, "B", S.WAITLISTED, {}),
        (m2, "D", S.REJECTED, {}),
        (m3, "C", S.CONFIRMED, {"attended": True, "contacts_made": 9}),
        (draft, "B", S.CONFIRMED, {}),
        (cancelled, "B", S.CONFIRMED, {}),
    ]:
        ApplicationFactory(mission=mission, firm=f[key], status=status, **extra)

    p1 = Partner.objects.create(name="Kaufhaus", kind="buyer", city=city("koeln"))
    p2 = Partner.objects.create(name="Stahl GmbH", kind="importer", city=city("koeln"))
    R = MeetingRequest.Status
    for mission, key, partner, status, attendance in [
        (m1, "B", p1, R.ACCEPTED, "held"),
        (m1, "B", p2, R.REQUESTED, None),
        (m1, "C", p1, R.ACCEPTED, "no_show"),
        (m1, "D", p2, R.DECLINED, None),
        (m1, "C", p2, R.CANCELLED, None),
        (m2, "A", p1, R.ACCEPTED, "held"),
        (m3, "C", p1, R.ACCEPTED, "held"),
    ]:
        request = MeetingRequest.objects.create(
            mission=mission, firm=f[key], partner=partner, status=status
        )
        if attendance is not None:
            Meeting.objects.create(
                request=request,
                mission=mission,
                firm=f[key],
                partner=partner,
                attendance=attendance,
            )

    def post(author, when, hidden=False):
        p = Post.objects.create(
            kind="question",
            title="Dogana?",
            body="?",
            body_html="",
            author_firm=author,
            is_hidden=hidden,
        )
        return created(p, when)

    def comment(on, author, when, hidden=False):
        c = Comment.objects.create(
            post=on, author_firm=author, body="!", body_html="", is_hidden=hidden
        )
        return created(c, when)

    first = post(f["B"], at(2025, 3, 5))
    post(f["C"], at(2025, 3, 20))
    post(f["C"], at(2025, 7, 1), hidden=True)
    post(f["B"], at(2024, 12, 31, 23, 30))  # before the period, in Rome's time
    comment(first, f["C"], at(2025, 3, 6))
    comment(first, f["B"], at(2025, 4, 1))
    comment(first, f["B"], at(2025, 4, 2), hidden=True)
    comment(first, f["B"], at(2026, 1, 1, 0, 30))  # after the period, in Rome's time

    M = MentorshipRequest.Status
    for requester, status, when in [
        ("B", M.ACCEPTED, at(2025, 4, 1)),
        ("C", M.DECLINED, at(2025, 4, 2)),
        ("D", M.PENDING, at(2025, 6, 1)),
        ("B", M.WITHDRAWN, at(2025, 6, 2)),
        ("C", M.PENDING, at(2024, 11, 1)),
    ]:
        request = MentorshipRequest.objects.create(
            requester=f[requester], mentor=f["A"], topic="Fiere", message="Aiuto", status=status
        )
        created(request, when)

    b_user = MembershipFactory(firm=f["B"]).user
    c_user = MembershipFactory(firm=f["C"]).user
    staff_user = StaffFactory()
    E = Notification.EmailStatus
    for n, (recipient, status, when) in enumerate(
        [
            (b_user, E.SENT, at(2025, 2, 1)),
            (b_user, E.SENT, at(2025, 8, 1)),
            (c_user, E.SENT, at(2025, 8, 1)),
            (c_user, E.FAILED, at(2025, 9, 1)),
            (staff_user, E.PENDING, at(2025, 12, 31, 23)),
            (b_user, E.DIGEST, at(2025, 10, 1)),
            (b_user, E.SKIPPED, at(2025, 10, 1)),
            (b_user, E.SENT, at(2024, 10, 1)),
        ]
    ):
        notification = Notification.objects.create(
            recipient=recipient, kind="test", key=f"k{n}", email_status=status
        )
        created(notification, when)
    return f


def values(figure: Figure) -> list[tuple]:
    return [(row.label, *row.values) for row in figure.rows]


# --- Numbers on a hand-built Club --------------------------------------------------------------


def test_member_firms_over_time_are_cumulative_with_the_firms_who_joined_before(club):
    growth = staff_figures.dashboard(YEAR_2025).figures["imprese-nel-tempo"]
    months = {row.label.month: row.values for row in growth.rows}
    assert len(growth.rows) == 12
    assert months[1] == (1, 0)  # Adda, approved in 2024
    assert months[2] == (3, 2)
    assert months[4] == (3, 0)
    assert months[5] == (4, 1)
    assert months[12] == (4, 0)


def test_members_by_sector_and_comune_count_members_at_the_end_of_the_period(club):
    figures = staff_figures.dashboard(YEAR_2025).figures
    assert values(figures["imprese-per-settore"]) == [("Lapideo", 2), ("Metalmeccanico", 2)]
    assert values(figures["imprese-per-comune"]) == [
        ("Sondrio", 2),
        ("Chiavenna", 1),
        ("Morbegno", 1),
    ]


def test_comuni_beyond_the_top_ten_are_summed_as_others():
    for n, comune in enumerate(["Sondrio"] * 3 + ["Tirano"] * 2 + COMUNI[2:12]):
        firm(f"Impresa {n}", "lapideo", comune, 0, at(2025, 5, 1))
    rows = values(staff_figures.dashboard(YEAR_2025).figures["imprese-per-comune"])
    assert len(rows) == 11
    assert rows[:2] == [("Sondrio", 3), ("Tirano", 2)]
    assert rows[-1] == ("Altri comuni", 2)  # the last two alphabetically of the ones at 1


def test_exporters_and_newcomers(club):
    data = staff_figures.dashboard(YEAR_2025)
    assert values(data.figures["esportatrici"]) == [
        ("Già esportano", 2),
        ("Non esportano ancora", 2),
    ]
    assert data.numbers["exporters_pct"] == 50
    assert data.numbers["mentors"] == 1
    assert data.numbers["members"] == 4
    assert data.numbers["new_members"] == 3


def test_mission_seats_capacity_and_waiting_list(club):
    figure = staff_figures.dashboard(YEAR_2025).figures["posti-missioni"]
    # Published and closed missions of the period only: no draft, cancelled or 2026 one.
    assert values(figure) == [("Colonia", 3, 3, 1), ("Lipsia", 1, 2, 1)]


def test_missions_active_in_the_period_include_upcoming_published_ones():
    def mission(title, start, published):
        return MissionFactory(
            title=title,
            start_date=start,
            end_date=start + dt.timedelta(days=2),
            published_at=published,
        )

    mission("In arrivo", dt.date(2026, 2, 10), at(2025, 12, 1))
    mission("In corso a inizio periodo", dt.date(2024, 12, 30), at(2024, 10, 1))
    mission("Conclusa prima", dt.date(2024, 12, 20), at(2024, 10, 1))
    mission("Pubblicata dopo", dt.date(2025, 12, 30), at(2026, 1, 2))
    figure = staff_figures.dashboard(YEAR_2025).figures["posti-missioni"]
    assert [row.label for row in figure.rows] == ["In corso a inizio periodo", "In arrivo"]


def test_applications_funnel_counts_distinct_firms(club):
    data = staff_figures.dashboard(YEAR_2025)
    assert values(data.figures["candidature"]) == [
        ("Missioni pubblicate", 2),
        ("Imprese candidate", 4),
        ("Imprese confermate", 3),
        ("Imprese partecipanti", 2),
    ]


def test_results_per_mission_are_sums(club):
    data = staff_figures.dashboard(YEAR_2025)
    assert values(data.figures["risultati-missioni"]) == [
        ("Colonia", 5, 3, 1),
        ("Lipsia", 0, 0, 0),
    ]
    assert (data.numbers["contacts"], data.numbers["followups"], data.numbers["deals"]) == (5, 3, 1)


def test_b2b_meetings_requested_accepted_held_per_mission(club):
    figure = staff_figures.dashboard(YEAR_2025).figures["incontri-b2b"]
    # Colonia: the cancelled request is not counted; the no-show was accepted but not held.
    assert values(figure) == [("Colonia", 4, 2, 1), ("Lipsia", 1, 1, 1)]


def test_board_activity_per_month_and_mentoring_requests(club):
    data = staff_figures.dashboard(YEAR_2025)
    months = {row.label.month: row.values for row in data.figures["attivita-bacheca"].rows}
    assert months[3] == (2, 1)
    assert months[4] == (0, 1)
    assert data.figures["attivita-bacheca"].totals == (2, 2)
    assert values(data.figures["affiancamenti"]) == [
        ("Con risposta", 2),
        ("In attesa", 1),
        ("Ritirate", 1),
    ]


def test_notification_delivery_by_email_status(club):
    data = staff_figures.dashboard(YEAR_2025)
    assert values(data.figures["notifiche"]) == [
        ("Da inviare", 1),
        ("Inviata", 3),
        ("Non riuscita", 1),
        ("Non prevista", 1),
        ("Nel riepilogo", 1),
    ]
    assert (data.numbers["sent"], data.numbers["failed"], data.numbers["pending"]) == (3, 1, 1)


# --- Filters ---------------------------------------------------------------------------------


def test_sector_filter_changes_every_figure(club):
    data = staff_figures.dashboard(in_sector("lapideo"))
    figures = data.figures
    assert values(figures["imprese-nel-tempo"])[-1][1:] == (2, 0)
    assert values(figures["imprese-per-settore"]) == [("Lapideo", 2)]
    assert values(figures["esportatrici"]) == [("Già esportano", 1), ("Non esportano ancora", 1)]
    # Missions open to the sector; seats stay mission-wide, the rest is the sector's firms.
    assert values(figures["posti-missioni"]) == [("Colonia", 3, 3, 1)]
    assert [row.values[0] for row in figures["candidature"].rows] == [1, 2, 1, 1]
    assert values(figures["risultati-missioni"]) == [("Colonia", 2, 2, 0)]
    assert values(figures["incontri-b2b"]) == [("Colonia", 2, 1, 0)]
    assert figures["attivita-bacheca"].totals == (1, 1)
    assert [row.values[0] for row in figures["affiancamenti"].rows] == [1, 1, 0]
    assert data.numbers["sent"] == 1
    assert data.numbers["failed"] == 1
    assert data.numbers["pending"] == 0


def test_period_filter_changes_the_numbers(staff_client, club):
    spring = staff_client.get(URL, {"dal": "2025-03-01", "al": "2025-03-31"})
    numbers = spring.context["numbers"]
    assert numbers["members"] == 3
    assert numbers["new_members"] == 0
    assert numbers["missions"] == 1
    assert numbers["posts"] == 2
    assert numbers["comments"] == 1
    assert numbers["sent"] == 0
    year = staff_client.get(URL, PERIOD).context["numbers"]
    assert (year["members"], year["missions"], year["comments"], year["sent"]) == (4, 2, 2, 3)


def test_sector_filter_from_the_query_string(staff_client, club):
    response = staff_client.get(URL, {**PERIOD, "settore": "lapideo"})
    assert response.status_code == 200
    assert response.context["filters"].sector.slug == "lapideo"
    assert response.context["numbers"]["members"] == 2
    assert "settore Lapideo" in response.content.decode()


def test_default_period_is_the_last_twelve_months():
    form, filters = filters_from_params({}, today=dt.date(2026, 3, 15))
    assert (filters.date_from, filters.date_to, filters.sector) == (
        dt.date(2025, 4, 1),
        dt.date(2026, 3, 15),
        None,
    )
    assert len(filters.months()) == 12
    assert not form.is_bound
    # Only an end date: the twelve months up to it.
    _form, filters = filters_from_params({"al": "2024-06-30"}, today=dt.date(2026, 3, 15))
    assert (filters.date_from, filters.date_to) == (dt.date(2023, 7, 1), dt.date(2024, 6, 30))


def test_default_page_counts_firms_of_the_last_twelve_months(staff_client):
    firm("Recente", "lapideo", "Sondrio", 0, None)  # created now, no approval date
    firm("Antica", "lapideo", "Sondrio", 0, at(2020, 1, 1))
    response = staff_client.get(URL)
    assert response.status_code == 200
    assert response.context["numbers"]["members"] == 2
    assert response.context["numbers"]["new_members"] == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"dal": "2025-13-45"}, "Inserisci una data valida"),
        ({"dal": "2025-12-01", "al": "2025-01-01"}, "La data di inizio deve precedere"),
        ({"dal": "0001-01-01", "al": "9999-12-31"}, "comprese fra il 2000 e il 2100"),
        ({"al": "0001-01-01"}, "comprese fra il 2000 e il 2100"),
        ({"dal": "9999-12-31"}, "comprese fra il 2000 e il 2100"),
        ({"dal": "2000-01-01", "al": "2025-12-31"}, "al massimo 10 anni"),
        ({"settore": "non-esiste"}, "Scegli un'opzione valida"),
        ({"dal": "x" * 500, "settore": "<script>"}, "Filtri non validi"),
    ],
)
def test_invalid_filters_show_an_error_and_fall_back_to_the_default(staff_client, params, message):
    response = staff_client.get(URL, params)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Filtri non validi" in body
    assert message in html.unescape(body)
    default = staff_figures.default_filters()
    assert response.context["filters"] == default
    assert "<script>" not in body.split("<main", 1)[1]


def test_invalid_filters_on_a_csv_fall_back_to_the_default(staff_client):
    response = staff_client.get(csv_url("notifiche"), {"dal": "ieri", "settore": "?"})
    assert response.status_code == 200
    default = staff_figures.default_filters()
    assert f"{default.date_from:%Y%m%d}-{default.date_to:%Y%m%d}" in response["Content-Disposition"]


# --- CSV ---------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_csv_is_utf8_with_bom_semicolons_and_a_header(staff_client, club):
    response = staff_client.get(csv_url("posti-missioni"), PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="cruscotto-posti-missioni-20250101-20251231.csv"'
    )
    assert read_csv(response) == [
        ["Missione", "Inizio", "Fine", "Posti occupati", "Posti disponibili", "Lista d'attesa"],
        ["Colonia", "2025-03-10", "2025-03-12", "3", "3", "1"],
        ["Lipsia", "2025-10-01", "2025-10-03", "1", "2", "1"],
    ]


def test_csv_of_months_and_of_a_sector(staff_client, club):
    rows = read_csv(staff_client.get(csv_url("imprese-nel-tempo"), PERIOD))
    assert rows[0] == ["Mese", "Imprese socie (totale)", "Nuove imprese nel mese"]
    assert rows[1] == ["2025-01", "1", "0"]
    assert rows[2] == ["2025-02", "3", "2"]
    assert len(rows) == 13
    response = staff_client.get(csv_url("imprese-per-settore"), {**PERIOD, "settore": "lapideo"})
    assert read_csv(response) == [["Settore", "Imprese"], ["Lapideo", "2"]]
    assert response["Content-Disposition"].endswith('-20251231-lapideo.csv"')


@pytest.mark.parametrize("slug", list(staff_figures.FIGURES))
def test_every_figure_has_a_csv_matching_the_page(staff_client, club, slug):
    page = staff_client.get(URL, PERIOD)
    assert f"{csv_url(slug)}?dal=2025-01-01&amp;al=2025-12-31" in page.content.decode()
    rows = read_csv(staff_client.get(csv_url(slug), PERIOD))
    figure = staff_figures.dashboard(YEAR_2025).figures[slug]
    assert rows == [[str(cell) for cell in row] for row in figure.csv_rows()]


def test_csv_cells_cannot_become_formulas(staff_client):
    names = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)"]
    for n, name in enumerate(names):
        evil = Sector.objects.create(name=name, slug=f"evil-{n}")
        FirmFactory(sector=evil, approved_at=at(2025, 5, 1))
    rows = read_csv(staff_client.get(csv_url("imprese-per-settore"), PERIOD))
    labels = {row[0] for row in rows[1:]}
    assert labels == {'\'=HYPERLINK("http://x","y")', "'+1", "'-1", "'@SUM(A1)"}


def test_unknown_figure_is_404_for_staff(staff_client):
    assert staff_client.get(csv_url("segreti")).status_code == 404


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [URL, csv_url("notifiche")])
def test_anonymous_users_are_sent_to_the_admin_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login") + f"?next={path}")


@pytest.mark.parametrize("path", [URL, csv_url("notifiche")])
def test_members_of_firms_are_sent_to_the_admin_login_too(owner_client, path):
    response = owner_client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login") + f"?next={path}")


def test_mentor_firm_owner_is_not_staff_either():
    client = login(member(is_mentor=True))
    assert client.get(csv_url("imprese-per-settore")).status_code == 302


def test_admin_index_links_to_the_dashboard(staff_client):
    body = staff_client.get(reverse("admin:index")).content.decode()
    assert f'href="{URL}"' in body
    assert "Cruscotto del Club" in body
    assert body.index("Cruscotto del Club") < body.index('class="app-list"')


# --- Page, charts, escaping -------------------------------------------------------------------


def test_page_shows_charts_with_accessible_names_and_no_script(staff_client, club):
    body = staff_client.get(URL, PERIOD).content.decode()
    assert body.count('role="img"') == 12
    assert body.count('<table class="visually-hidden">') == 12
    assert "<title>Posti nelle missioni</title>" in body
    assert 'aria-label="Posti nelle missioni.' in body
    main = body.split("<main", 1)[1]
    assert "<script" not in main
    assert "http://" not in main.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_user_data_is_escaped_in_the_charts(staff_client):
    evil = Sector.objects.create(name='<script>alert("x")</script>', slug="evil")
    FirmFactory(sector=evil, approved_at=at(2025, 5, 1))
    MissionFactory(
        title="</svg><img src=x onerror=alert(1)>",
        start_date=dt.date(2025, 3, 1),
        end_date=dt.date(2025, 3, 2),
        published_at=at(2025, 1, 1),
    )
    body = staff_client.get(URL, PERIOD).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "<img src=x" not in body
    assert "&lt;/svg&gt;&lt;img src=x onerror=alert(1)&gt;" in body


def test_bar_chart_prints_the_numbers_and_line_chart_has_a_table():
    figure = Figure(
        slug="prova",
        title="Prova & co",
        label_header="Voce",
        series=("Uno", "Due"),
        rows=[Row("<b>a</b>", (1234, 0)), Row(dt.date(2025, 1, 1), (3, 7))],
    )
    bars = bar_chart(figure)
    assert 'viewBox="0 0 520 ' in bars
    assert 'viewBox="0 0 720 ' in bar_chart(figure, 720)
    # The longest bar spans the plot (520 - 187 labels - 56 numbers), the others in proportion.
    assert (
        'width="277.0" height="18" fill="#0b5563"><title>&lt;b&gt;a&lt;/b&gt; · Uno: 1.234' in bars
    )
    assert 'role="img"' in bars
    assert "<title>Prova &amp; co</title>" in bars
    assert ">1.234</text>" in bars  # Italian thousands separator
    assert "&lt;b&gt;a&lt;/b&gt;" in bars
    assert "<b>" not in bars
    lines = line_chart(figure)
    assert lines.count("<polyline") == 2
    assert '<th scope="row">Gennaio 2025</th><td>3</td><td>7</td>' in lines
    empty = Figure("vuota", "Vuota", "Voce", ("Uno",), [])
    assert "Nessun dato" in bar_chart(empty)
    assert "<svg" not in line_chart(empty)


# --- Bounded queries -----------------------------------------------------------------------------


def populate(n: int) -> None:
    """n firms, missions, applications, meetings, posts, comments, requests and notifications."""
    metal, stone = sector("metalmeccanico"), sector("lapideo")
    partner = Partner.objects.create(name="Kaufhaus", kind="buyer", city=city("koeln"))
    firms = [
        firm(
            f"F{i}",
            ("metalmeccanico", "lapideo")[i % 2],
            COMUNI[i % 12],
            10 * (i % 2),
            at(2025, 1 + i % 12, 5),
        )
        for i in range(n)
    ]
    mentor = firms[0]
    for i, f in enumerate(firms):
        mission = MissionFactory(
            start_date=dt.date(2025, 1 + i % 12, 10),
            end_date=dt.date(2025, 1 + i % 12, 12),
            sectors=[metal, stone],
            published_at=at(2025, 1, 1),
        )
        ApplicationFactory(mission=mission, firm=f, attended=True, contacts_made=2)
        request = MeetingRequest.objects.create(
            mission=mission, firm=f, partner=partner, status="accepted"
        )
        Meeting.objects.create(
            request=request, mission=mission, firm=f, partner=partner, attendance="held"
        )
        post = created(
            Post.objects.create(kind="question", title="?", body="?", body_html="", author_firm=f),
            at(2025, 1 + i % 12, 15),
        )
        created(
            Comment.objects.create(post=post, author_firm=f, body="!", body_html=""),
            at(2025, 1 + i % 12, 16),
        )
        if f != mentor:
            created(
                MentorshipRequest.objects.create(
                    requester=f, mentor=mentor, topic="t", message="m"
                ),
                at(2025, 1 + i % 12, 17),
            )
        user = MembershipFactory(firm=f).user
        created(
            Notification.objects.create(recipient=user, kind="test", key=f"n{i}"),
            at(2025, 1 + i % 12, 18),
        )


@pytest.mark.parametrize("n", [1, 25])
def test_dashboard_runs_a_bounded_number_of_queries(staff_client, django_assert_num_queries, n):
    populate(n)
    staff_client.get(URL, PERIOD)
    # user, staff 2FA check, bell (unread count); 13 figure queries (the 13th: the
    # mission-day satisfaction survey per mission, issue 18); the sector choices of the form
    with django_assert_num_queries(15):
        response = staff_client.get(URL, PERIOD)
    assert response.status_code == 200
    assert response.context["numbers"]["members"] == n
    assert response.context["numbers"]["held"] == n
    assert f"<dt>imprese socie a fine periodo</dt><dd>{n}</dd>" in response.content.decode()
    # A sector adds one query: looking the sector up.
    with django_assert_num_queries(16):
        by_sector = staff_client.get(URL, {**PERIOD, "settore": "lapideo"})
    assert by_sector.status_code == 200
    assert "settore Lapideo" in by_sector.content.decode()


@pytest.mark.parametrize("n", [1, 25])
def test_csv_runs_a_bounded_number_of_queries(staff_client, django_assert_num_queries, n):
    populate(n)
    # user, staff 2FA check, then the figure's own queries (missions, two B2B counts)
    with django_assert_num_queries(5):
        response = staff_client.get(csv_url("incontri-b2b"), PERIOD)
    assert response.status_code == 200
    rows = read_csv(response)
    assert rows[0][0] == "Missione"
    assert len(rows) == n + 1  # one row per mission of the period


# The one test of this app that writes paths as literals, on purpose: the staff-MFA middleware
# guards the dashboard by its path prefix (core.middleware.STAFF_AREAS). Every other test builds its
# URLs with reverse().
@pytest.mark.parametrize(
    ("name", "args", "path"),
    [
        ("staff_dashboard:index", [], "/staff/cruscotto/"),
        ("staff_dashboard:csv", ["notifiche"], "/staff/cruscotto/notifiche.csv"),
    ],
)
def test_public_paths_stay_as_they_are(name, args, path):
    assert_public_path(name, path, *args)
