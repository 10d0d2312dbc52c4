"""Figures of the staff dashboard (Cruscotto del Club): read-only selectors.

Every figure is a small table (a label column and one or more numeric series) that the page
draws as a chart and the CSV export writes as rows. Each one comes from a fixed number of grouped
queries (values/annotate/aggregate), never from per-row queries, so the page costs the same
number of queries with ten firms or ten thousand (pinned in tests/test_dashboard.py).

Filters: a period (dates, inclusive, in the Camera's time zone) and an optional sector.
- Firms: approved firms by the date they joined (approval date, else creation date); the
  breakdowns count the members at the end of the period.
- Missions: those active in the period (published by its end, not over before its start,
  not cancelled); with a sector, the missions open to it, and the applications, results and
  B2B meetings of that sector's firms only. Seats and capacity stay mission-wide: capacity is
  not split by sector.
- Board and notifications: items created in the period; with a sector, those of its firms.
- Satisfaction survey (missionday): the answers about the period's missions (with a sector, the
  missions open to it), delegates' and partner contacts' alike: a partner has no sector.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.db.models import Count, Model, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from board.models import Comment, MentorshipRequest, Post
from members.models import Firm, Sector
from missionday.models import DayPass
from missionday.selectors import SurveyResult, survey_comments, survey_overall, survey_results
from missions.models import Application, Meeting, MeetingRequest, Mission
from notifications.models import Notification

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

DEFAULT_MONTHS = 12
MAX_MONTHS = 120  # ten years of monthly points is as much as a chart can show
MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
TOP_COMUNI = 10


# --- Filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    date_from: dt.date
    date_to: dt.date
    sector: Sector | None = None

    @property
    def start(self) -> dt.datetime:
        """The period's first instant (local midnight), inclusive."""
        return timezone.make_aware(dt.datetime.combine(self.date_from, dt.time.min))

    @property
    def end(self) -> dt.datetime:
        """The instant after the period's last day, exclusive."""
        next_day = self.date_to + dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(next_day, dt.time.min))

    def months(self) -> list[dt.date]:
        """First day of every month the period touches, in order."""
        month = self.date_from.replace(day=1)
        months = []
        while month <= self.date_to:
            months.append(month)
            month = _add_months(month, 1)
        return months

    def query(self) -> str:
        """The query string that reproduces these filters (for the CSV links)."""
        params = QueryDict(mutable=True)
        params["dal"] = self.date_from.isoformat()
        params["al"] = self.date_to.isoformat()
        if self.sector is not None:
            params["settore"] = self.sector.slug
        return params.urlencode()


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def default_filters(today: dt.date | None = None) -> Filters:
    """The last twelve months: from the first day of the month eleven months ago to today."""
    today = today or timezone.localdate()
    return Filters(date_from=_add_months(today, 1 - DEFAULT_MONTHS), date_to=today)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class DashboardFilterForm(forms.Form):
    dal = forms.DateField(label=_("Dal"), widget=DateInput())
    al = forms.DateField(label=_("Al"), widget=DateInput())
    settore = forms.ModelChoiceField(
        label=_("Settore"),
        queryset=Sector.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Tutti i settori"),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        date_from, date_to = cleaned.get("dal"), cleaned.get("al")
        if date_from is None or date_to is None:
            return cleaned
        if not (MIN_DATE <= date_from <= MAX_DATE and MIN_DATE <= date_to <= MAX_DATE):
            raise forms.ValidationError(
                _("Le date devono essere comprese fra il 2000 e il 2100."), code="out_of_range"
            )
        if date_from > date_to:
            raise forms.ValidationError(
                _("La data di inizio deve precedere quella di fine."), code="order"
            )
        if _add_months(date_from, MAX_MONTHS) <= date_to:
            raise forms.ValidationError(
                _("Il periodo può durare al massimo %(years)d anni."),
                code="too_long",
                params={"years": MAX_MONTHS // 12},
            )
        return cleaned


def filters_from_params(
    params: QueryDict, today: dt.date | None = None
) -> tuple[DashboardFilterForm, Filters]:
    """The filter form for the page and the filters to apply.

    Missing dates take their default (the twelve months up to today, or up to `al`); invalid
    input leaves its errors on the form and the figures fall back to the defaults.
    """
    default = default_filters(today)
    if not any(params.get(name) for name in ("dal", "al", "settore")):
        initial = {"dal": default.date_from, "al": default.date_to}
        return DashboardFilterForm(initial=initial), default
    data = params.copy()
    if not data.get("al"):
        data["al"] = default.date_to.isoformat()
    if not data.get("dal"):
        # Twelve months up to the end date the user gave, if it is a date at all.
        to_field = DashboardFilterForm.base_fields["al"]
        try:
            date_to = to_field.clean(data["al"])
        except forms.ValidationError:
            date_to = default.date_to
        if not MIN_DATE <= date_to <= MAX_DATE:
            date_to = default.date_to  # the form reports the range; avoid year 0 arithmetic
        data["dal"] = default_filters(date_to).date_from.isoformat()
    form = DashboardFilterForm(data)
    if not form.is_valid():
        return form, default
    cleaned = form.cleaned_data
    return form, Filters(date_from=cleaned["dal"], date_to=cleaned["al"], sector=cleaned["settore"])


# --- Figures as tables -------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str | dt.date  # a date is a month; charts and CSV format it each their own way
    values: tuple[int, ...]
    extra: tuple[str, ...] = ()  # CSV-only columns, e.g. a mission's dates


@dataclass(frozen=True)
class Figure:
    slug: str
    title: str
    label_header: str
    series: tuple[str, ...]
    rows: list[Row]
    extra_headers: tuple[str, ...] = ()

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(sum(row.values[i] for row in self.rows) for i in range(len(self.series)))

    def value(self, label: str) -> int:
        """The first series' value of the row labelled `label` (0 when absent)."""
        return next((row.values[0] for row in self.rows if row.label == label), 0)

    def csv_rows(self) -> list[list[Any]]:
        header = [self.label_header, *self.extra_headers, *self.series]
        body = [[_csv_label(row.label), *row.extra, *row.values] for row in self.rows]
        return [header, *body]


def _csv_label(label: str | dt.date) -> str:
    return label.strftime("%Y-%m") if isinstance(label, dt.date) else str(label)


@dataclass
class Dashboard:
    filters: Filters
    figures: dict[str, Figure]
    numbers: dict[str, int] = field(default_factory=dict)
    # The satisfaction survey per mission (the table links each to its comments page).
    satisfaction: list[SurveyResult] = field(default_factory=list)
    satisfaction_overall: SurveyResult | None = None


# --- Queries ---------------------------------------------------------------------------------
# Each helper below runs exactly one query.

# One mission's row of `_mission_rows`: its values() fields and the annotated counts.
MissionRow = Mapping[str, Any]


class _Joined(TypedDict):
    joined_at: dt.datetime


def _members(f: Filters) -> "QuerySet[WithAnnotations[Firm, _Joined]]":
    """Approved firms (of the sector) with `joined_at`: approval date, else creation date."""
    queryset = Firm.objects.filter(status=Firm.Status.APPROVED)
    if f.sector is not None:
        queryset = queryset.filter(sector=f.sector)
    return queryset.annotate(joined_at=Coalesce("approved_at", "created_at"))


def _members_by_month(f: Filters) -> tuple[int, dict[dt.date, int]]:
    """Members who joined before the period, and those who joined in each month of it."""
    rows = (
        _members(f)
        .filter(joined_at__lt=f.end)
        .annotate(month=TruncMonth("joined_at"))
        .values("month")
        .annotate(
            before=Count("pk", filter=Q(joined_at__lt=f.start)),
            new=Count("pk", filter=Q(joined_at__gte=f.start)),
        )
        .order_by("month")
    )
    baseline, by_month = 0, {}
    for row in rows:
        baseline += row["before"]
        by_month[timezone.localtime(row["month"]).date()] = row["new"]
    return baseline, by_month


def _members_at_end(f: Filters) -> "QuerySet[WithAnnotations[Firm, _Joined]]":
    return _members(f).filter(joined_at__lt=f.end)


def _member_mix(f: Filters) -> dict[str, int]:
    return _members_at_end(f).aggregate(
        total=Count("pk"),
        exporters=Count("pk", filter=Q(export_share__gt=0)),
        mentors=Count("pk", filter=Q(is_mentor=True)),
    )


def _members_by(f: Filters, field_name: str) -> list[tuple[str, int]]:
    rows = (
        _members_at_end(f)
        .values(field_name)
        .annotate(n=Count("pk"))
        .order_by("-n", field_name)
        .values_list(field_name, "n")
    )
    return list(rows)


def _missions(f: Filters) -> QuerySet[Mission]:
    """Missions active in the period (open to the sector, if any).

    Active: published (or closed) by the end of the period and not over before its start. So
    the default period shows the upcoming missions whose registrations are open, as well as
    those of the past twelve months.
    """
    queryset = Mission.objects.annotate(published_on=Coalesce("published_at", "created_at")).filter(
        status__in=[Mission.Status.PUBLISHED, Mission.Status.CLOSED],
        published_on__lt=f.end,
        end_date__gte=f.date_from,
    )
    if f.sector is not None:
        open_to_sector = Mission.sectors.through.objects.filter(sector=f.sector)
        queryset = queryset.filter(pk__in=open_to_sector.values("mission_id"))
    return queryset


def _mission_rows(f: Filters) -> list[MissionRow]:
    """Seats, waiting list and results per mission, in one grouped query."""
    # Without a sector every application counts: "has an application" is the neutral filter.
    own = (
        Q(applications__firm__sector=f.sector)
        if f.sector is not None
        else Q(applications__isnull=False)
    )
    return list(
        _missions(f)
        .values("pk", "title", "start_date", "end_date", "seats")
        .annotate(
            # Seats are mission-wide whatever the sector: capacity is not split by sector.
            taken=Count("applications", filter=Q(applications__status__in=Application.HOLDS_SEAT)),
            waitlisted=Count(
                "applications", filter=Q(applications__status=Application.Status.WAITLISTED)
            ),
            contacts=Coalesce(Sum("applications__contacts_made", filter=own), 0),
            followups=Coalesce(Sum("applications__followup_meetings", filter=own), 0),
            deals=Coalesce(Sum("applications__deals_in_progress", filter=own), 0),
        )
        .order_by("start_date", "pk")
    )


def _funnel(f: Filters) -> dict[str, int]:
    """Distinct firms at each step, across all the period's missions."""
    applications = Application.objects.filter(mission__in=_missions(f).values("pk"))
    if f.sector is not None:
        applications = applications.filter(firm__sector=f.sector)
    return applications.aggregate(
        applied=Count("firm", distinct=True),
        confirmed=Count("firm", distinct=True, filter=Q(status=Application.Status.CONFIRMED)),
        attended=Count("firm", distinct=True, filter=Q(attended=True)),
    )


def _b2b_by_mission(f: Filters) -> dict[int, dict[str, int]]:
    """Meeting requests (not cancelled), accepted requests, held meetings and the partners'
    feedback (meetings rated, partner interested) per mission."""
    missions = _missions(f).values("pk")
    requests = MeetingRequest.objects.filter(mission__in=missions).exclude(
        status=MeetingRequest.Status.CANCELLED
    )
    meetings = Meeting.objects.filter(mission__in=missions)
    if f.sector is not None:
        requests = requests.filter(firm__sector=f.sector)
        meetings = meetings.filter(firm__sector=f.sector)
    result: dict[int, dict[str, int]] = {}
    for row in (
        requests.values("mission_id")
        .annotate(
            requested=Count("pk"),
            accepted=Count("pk", filter=Q(status=MeetingRequest.Status.ACCEPTED)),
        )
        .order_by()
    ):
        result[row["mission_id"]] = {"requested": row["requested"], "accepted": row["accepted"]}
    for counts in (
        meetings.values("mission_id")
        .annotate(
            held=Count("pk", filter=Q(attendance=Meeting.Attendance.HELD)),
            feedback=Count("pk", filter=Q(partner_feedback_at__isnull=False)),
            interested=Count("pk", filter=Q(partner_interest__gte=Meeting.INTERESTED_FROM)),
        )
        .order_by()
    ):
        result.setdefault(counts["mission_id"], {}).update(
            held=counts["held"], feedback=counts["feedback"], interested=counts["interested"]
        )
    return result


def _per_month[M: Model](
    queryset: QuerySet[M], f: Filters, sector_field: str
) -> dict[dt.date, int]:
    queryset = queryset.filter(created_at__gte=f.start, created_at__lt=f.end)
    if f.sector is not None:
        queryset = queryset.filter(**{sector_field: f.sector})
    rows = (
        queryset.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return {timezone.localtime(row["month"]).date(): row["n"] for row in rows}


def _mentorship(f: Filters) -> dict[str, int]:
    """Mentoring requests sent in the period, by what became of them."""
    requests = MentorshipRequest.objects.filter(created_at__gte=f.start, created_at__lt=f.end)
    if f.sector is not None:
        requests = requests.filter(requester__sector=f.sector)
    status = MentorshipRequest.Status
    return requests.aggregate(
        answered=Count("pk", filter=Q(status__in=[status.ACCEPTED, status.DECLINED])),
        pending=Count("pk", filter=Q(status=status.PENDING)),
        withdrawn=Count("pk", filter=Q(status=status.WITHDRAWN)),
    )


def _notifications(f: Filters) -> dict[str, int]:
    """Notifications created in the period, by email status."""
    notifications = Notification.objects.filter(created_at__gte=f.start, created_at__lt=f.end)
    if f.sector is not None:
        notifications = notifications.filter(recipient__membership__firm__sector=f.sector)
    rows = notifications.values("email_status").annotate(n=Count("pk")).order_by()
    return {row["email_status"]: row["n"] for row in rows}


# --- Figure builders (no queries) ------------------------------------------------------------


def _growth_figure(f: Filters, baseline: int, by_month: dict[dt.date, int]) -> Figure:
    rows, total = [], baseline
    for month in f.months():
        new = by_month.get(month, 0)
        total += new
        rows.append(Row(month, (total, new)))
    return Figure(
        slug="imprese-nel-tempo",
        title=gettext("Imprese socie nel tempo"),
        label_header=gettext("Mese"),
        series=(gettext("Imprese socie (totale)"), gettext("Nuove imprese nel mese")),
        rows=rows,
    )


def _sector_figure(rows: list[tuple[str, int]]) -> Figure:
    return Figure(
        slug="imprese-per-settore",
        title=gettext("Imprese socie per settore"),
        label_header=gettext("Settore"),
        series=(gettext("Imprese"),),
        rows=[Row(name, (n,)) for name, n in rows],
    )


def _comune_figure(rows: list[tuple[str, int]]) -> Figure:
    top = [Row(name, (n,)) for name, n in rows[:TOP_COMUNI]]
    others = sum(n for _name, n in rows[TOP_COMUNI:])
    if others:
        top.append(Row(gettext("Altri comuni"), (others,)))
    return Figure(
        slug="imprese-per-comune",
        title=gettext("Imprese socie per comune (primi %(n)d)") % {"n": TOP_COMUNI},
        label_header=gettext("Comune"),
        series=(gettext("Imprese"),),
        rows=top,
    )


def _export_figure(mix: dict[str, int]) -> Figure:
    return Figure(
        slug="esportatrici",
        title=gettext("Imprese che già esportano e nuove all'export"),
        label_header=gettext("Gruppo"),
        series=(gettext("Imprese"),),
        rows=[
            Row(gettext("Già esportano"), (mix["exporters"],)),
            Row(gettext("Non esportano ancora"), (mix["total"] - mix["exporters"],)),
        ],
    )


def _mission_extra(mission: MissionRow) -> tuple[str, ...]:
    return (mission["start_date"].isoformat(), mission["end_date"].isoformat())


def _seats_figure(missions: list[MissionRow]) -> Figure:
    return Figure(
        slug="posti-missioni",
        title=gettext("Posti nelle missioni"),
        label_header=gettext("Missione"),
        extra_headers=(gettext("Inizio"), gettext("Fine")),
        series=(gettext("Posti occupati"), gettext("Posti disponibili"), gettext("Lista d'attesa")),
        rows=[
            Row(m["title"], (m["taken"], m["seats"], m["waitlisted"]), _mission_extra(m))
            for m in missions
        ],
    )


def _funnel_figure(missions: list[MissionRow], funnel: dict[str, int]) -> Figure:
    return Figure(
        slug="candidature",
        title=gettext("Dalle missioni pubblicate alla partecipazione"),
        label_header=gettext("Fase"),
        series=(gettext("Numero"),),
        rows=[
            Row(gettext("Missioni pubblicate"), (len(missions),)),
            Row(gettext("Imprese candidate"), (funnel["applied"],)),
            Row(gettext("Imprese confermate"), (funnel["confirmed"],)),
            Row(gettext("Imprese partecipanti"), (funnel["attended"],)),
        ],
    )


def _results_figure(missions: list[MissionRow]) -> Figure:
    return Figure(
        slug="risultati-missioni",
        title=gettext("Risultati delle missioni"),
        label_header=gettext("Missione"),
        extra_headers=(gettext("Inizio"), gettext("Fine")),
        series=(
            gettext("Contatti avviati"),
            gettext("Incontri successivi"),
            gettext("Trattative in corso"),
        ),
        rows=[
            Row(m["title"], (m["contacts"], m["followups"], m["deals"]), _mission_extra(m))
            for m in missions
        ],
    )


def _b2b_figure(missions: list[MissionRow], b2b: dict[int, dict[str, int]]) -> Figure:
    rows = []
    for m in missions:
        counts = b2b.get(m["pk"], {})
        values = (counts.get("requested", 0), counts.get("accepted", 0), counts.get("held", 0))
        rows.append(Row(m["title"], values, _mission_extra(m)))
    return Figure(
        slug="incontri-b2b",
        title=gettext("Incontri B2B per missione"),
        label_header=gettext("Missione"),
        extra_headers=(gettext("Inizio"), gettext("Fine")),
        series=(gettext("Richiesti"), gettext("Accettati"), gettext("Svolti")),
        rows=rows,
    )


def _feedback_figure(missions: list[MissionRow], b2b: dict[int, dict[str, int]]) -> Figure:
    """The partners' feedback after the meetings: how many they rated, how many interested
    them (interest "good" or above), beside the meetings staff marked as held."""
    rows = []
    for m in missions:
        counts = b2b.get(m["pk"], {})
        values = (counts.get("held", 0), counts.get("feedback", 0), counts.get("interested", 0))
        rows.append(Row(m["title"], values, _mission_extra(m)))
    return Figure(
        slug="feedback-partner",
        title=gettext("Feedback dei partner sugli incontri B2B"),
        label_header=gettext("Missione"),
        extra_headers=(gettext("Inizio"), gettext("Fine")),
        series=(
            gettext("Svolti"),
            gettext("Con il feedback del partner"),
            gettext("Partner interessati"),
        ),
        rows=rows,
    )


def _average(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _satisfaction_figure(results: list[SurveyResult]) -> Figure:
    """The satisfaction survey per mission (delegates and partner contacts together): answers
    and NPS; the averages of the 1-5 scales in the CSV's extra columns. A mission without
    answers has no row; its NPS would be meaningless."""
    return Figure(
        slug="soddisfazione",
        title=gettext("Soddisfazione: questionario di gradimento"),
        label_header=gettext("Missione"),
        extra_headers=(
            gettext("Inizio"),
            gettext("Fine"),
            gettext("Utilità degli incontri (media 1-5)"),
            gettext("Organizzazione (media 1-5)"),
        ),
        series=(gettext("Risposte"), gettext("NPS")),
        rows=[
            Row(
                r.title,
                (r.responses, r.nps or 0),
                (
                    r.start_date.isoformat() if r.start_date else "",
                    r.end_date.isoformat() if r.end_date else "",
                    _average(r.usefulness),
                    _average(r.organisation),
                ),
            )
            for r in results
        ],
    )


def _survey_comments(f: Filters) -> Figure:
    """The survey's comments (CSV only), without the person: mission, who (delegate or
    partner), date, score and the text."""
    kinds = dict(DayPass.Kind.choices)
    return Figure(
        slug="commenti-questionario",
        title=gettext("Commenti al questionario di gradimento"),
        label_header=gettext("Missione"),
        extra_headers=(gettext("Tipo"), gettext("Data"), gettext("Commento")),
        series=(gettext("Voto (0-10)"),),
        rows=[
            Row(
                answer.mission.title,
                (answer.overall,),
                (
                    str(kinds.get(answer.kind, answer.kind)),
                    timezone.localdate(answer.submitted_at).isoformat(),
                    answer.comment,
                ),
            )
            for answer in survey_comments(_missions(f))
        ],
    )


def _board_figure(f: Filters, posts: dict[dt.date, int], comments: dict[dt.date, int]) -> Figure:
    return Figure(
        slug="attivita-bacheca",
        title=gettext("Attività della bacheca"),
        label_header=gettext("Mese"),
        series=(gettext("Post"), gettext("Commenti")),
        rows=[Row(m, (posts.get(m, 0), comments.get(m, 0))) for m in f.months()],
    )


def _mentorship_figure(counts: dict[str, int]) -> Figure:
    return Figure(
        slug="affiancamenti",
        title=gettext("Richieste di affiancamento"),
        label_header=gettext("Esito"),
        series=(gettext("Richieste"),),
        rows=[
            Row(gettext("Con risposta"), (counts["answered"],)),
            Row(gettext("In attesa"), (counts["pending"],)),
            Row(gettext("Ritirate"), (counts["withdrawn"],)),
        ],
    )


def _notifications_figure(counts: dict[str, int]) -> Figure:
    return Figure(
        slug="notifiche",
        title=gettext("Consegna delle notifiche via email"),
        label_header=gettext("Stato"),
        series=(gettext("Notifiche"),),
        rows=[
            Row(str(label), (counts.get(value, 0),))
            for value, label in Notification.EmailStatus.choices
        ],
    )


def _growth(f: Filters) -> Figure:
    return _growth_figure(f, *_members_by_month(f))


def _board(f: Filters) -> Figure:
    return _board_figure(
        f,
        _per_month(Post.objects.filter(is_hidden=False), f, "author_firm__sector"),
        _per_month(Comment.objects.filter(is_hidden=False), f, "author_firm__sector"),
    )


# One builder per CSV: each runs only the queries its figure needs.
FIGURES: dict[str, Callable[[Filters], Figure]] = {
    "imprese-nel-tempo": _growth,
    "imprese-per-settore": lambda f: _sector_figure(_members_by(f, "sector__name")),
    "imprese-per-comune": lambda f: _comune_figure(_members_by(f, "comune")),
    "esportatrici": lambda f: _export_figure(_member_mix(f)),
    "posti-missioni": lambda f: _seats_figure(_mission_rows(f)),
    "candidature": lambda f: _funnel_figure(_mission_rows(f), _funnel(f)),
    "risultati-missioni": lambda f: _results_figure(_mission_rows(f)),
    "incontri-b2b": lambda f: _b2b_figure(_mission_rows(f), _b2b_by_mission(f)),
    "feedback-partner": lambda f: _feedback_figure(_mission_rows(f), _b2b_by_mission(f)),
    "attivita-bacheca": _board,
    "affiancamenti": lambda f: _mentorship_figure(_mentorship(f)),
    "notifiche": lambda f: _notifications_figure(_notifications(f)),
    "soddisfazione": lambda f: _satisfaction_figure(survey_results(_missions(f))),
}
# CSVs with no chart on the page (linked from a figure's card).
CSV_ONLY: dict[str, Callable[[Filters], Figure]] = {
    "commenti-questionario": _survey_comments,
}


def figure(slug: str, f: Filters) -> Figure | None:
    """One figure for its CSV, or None for an unknown slug."""
    builder = FIGURES.get(slug) or CSV_ONLY.get(slug)
    return builder(f) if builder is not None else None


def dashboard(f: Filters) -> Dashboard:
    """All the figures and the headline numbers, in thirteen queries whatever the data size."""
    mix = _member_mix(f)
    missions = _mission_rows(f)
    funnel = _funnel(f)
    mentorship = _mentorship(f)
    notifications = _notifications(f)
    b2b_counts = _b2b_by_mission(f)
    satisfaction = survey_results(_missions(f))
    figures = [
        _growth(f),
        _sector_figure(_members_by(f, "sector__name")),
        _comune_figure(_members_by(f, "comune")),
        _export_figure(mix),
        _seats_figure(missions),
        _funnel_figure(missions, funnel),
        _results_figure(missions),
        _b2b_figure(missions, b2b_counts),
        _feedback_figure(missions, b2b_counts),
        _board(f),
        _mentorship_figure(mentorship),
        _notifications_figure(notifications),
        _satisfaction_figure(satisfaction),
    ]
    by_slug = {fig.slug: fig for fig in figures}
    growth = by_slug["imprese-nel-tempo"]
    seats = by_slug["posti-missioni"].totals
    results = by_slug["risultati-missioni"].totals
    b2b = by_slug["incontri-b2b"].totals
    feedback = by_slug["feedback-partner"].totals
    board = by_slug["attivita-bacheca"].totals
    numbers = {
        "members": growth.rows[-1].values[0] if growth.rows else mix["total"],
        "new_members": growth.totals[1],
        "exporters": mix["exporters"],
        "newcomers": mix["total"] - mix["exporters"],
        "exporters_pct": round(100 * mix["exporters"] / mix["total"]) if mix["total"] else 0,
        "mentors": mix["mentors"],
        "missions": len(missions),
        "seats_taken": seats[0],
        "seats": seats[1],
        "waitlisted": seats[2],
        "applied": funnel["applied"],
        "confirmed": funnel["confirmed"],
        "attended": funnel["attended"],
        "contacts": results[0],
        "followups": results[1],
        "deals": results[2],
        "requested": b2b[0],
        "accepted": b2b[1],
        "held": b2b[2],
        "partner_feedback": feedback[1],
        "partners_interested": feedback[2],
        "posts": board[0],
        "comments": board[1],
        "mentorship_answered": mentorship["answered"],
        "mentorship_pending": mentorship["pending"],
        "mentorship_withdrawn": mentorship["withdrawn"],
        "sent": notifications.get(Notification.EmailStatus.SENT, 0),
        "failed": notifications.get(Notification.EmailStatus.FAILED, 0),
        "pending": notifications.get(Notification.EmailStatus.PENDING, 0),
        "digest": notifications.get(Notification.EmailStatus.DIGEST, 0),
        "skipped": notifications.get(Notification.EmailStatus.SKIPPED, 0),
    }
    return Dashboard(
        filters=f,
        figures=by_slug,
        numbers=numbers,
        satisfaction=satisfaction,
        satisfaction_overall=survey_overall(satisfaction),
    )
