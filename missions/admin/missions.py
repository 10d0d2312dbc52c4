"""The admin of missions and applications: cities, missions with their programme, applications
(status changes go through the services' actions), interest lists."""

from django.contrib import admin, messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from core import spreadsheets
from members.models import Membership
from missions import exports
from missions.admin import b2b
from missions.models import (
    Application,
    City,
    Interest,
    Mission,
    MissionPartner,
    ProgrammeItem,
    Question,
    SectorCap,
)
from missions.services import applications as application_services
from missions.services import missions as mission_services
from missions.services import suggestions


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "local_name", "country", "time_zone"]
    prepopulated_fields = {"slug": ["local_name"]}
    search_fields = ["name", "local_name"]


class ProgrammeItemInline(TranslationTabularInline):
    # Title and description once per language (missions/translation.py), Italian first.
    model = ProgrammeItem
    extra = 1
    fields = ["starts_at", "ends_at", "kind", "title", "city", "place", "description"]

    def get_queryset(self, request):
        # Each row's title (__str__) names the city.
        return super().get_queryset(request).select_related("city")


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


class SectorCapInline(admin.TabularInline):
    model = SectorCap
    extra = 0


class InterestInline(admin.TabularInline):
    model = Interest
    extra = 0
    readonly_fields = ["firm", "user", "created_at"]
    fields = [*readonly_fields]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _export(applications, fmt: str, title: str) -> HttpResponse:
    applications = applications.select_related("mission", "firm", "firm__sector").prefetch_related(
        Prefetch("firm__memberships", queryset=Membership.objects.select_related("user"))
    )
    questions = {
        str(pk): label
        for pk, label in Question.objects.filter(
            mission__in=applications.values("mission_id")
        ).values_list("pk", "label")
    }
    rows = exports.participant_rows(list(applications), questions)
    name = slugify(title) or "partecipanti"
    if fmt == "xlsx":
        response = HttpResponse(
            spreadsheets.as_xlsx(rows, title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(spreadsheets.as_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@admin.register(Mission)
class MissionAdmin(TranslationAdmin):
    """Title, summary, description and costs are edited once per language, side by side
    (missions/translation.py); an empty German or English text shows the Italian one."""

    list_display = [
        "title",
        "start_date",
        "status",
        "seats_taken",
        "waitlist",
        "registration_deadline",
    ]
    list_filter = ["status", "sectors", "requires_approval"]
    # Each language's column by name: the plain "title" searches only the admin's language.
    search_fields = ["title_it", "title_de", "title_en", "summary_it"]
    date_hierarchy = "start_date"
    filter_horizontal = ["sectors"]
    # The status changes only through the actions (missions.services.missions): publishing stamps
    # the publication time and tells the firms of the sectors, closing locks the mission.
    readonly_fields = ["status", "published_at", "agenda_published_at"]
    inlines = [
        ProgrammeItemInline,
        SectorCapInline,
        QuestionInline,
        b2b.MissionPartnerInline,
        InterestInline,
    ]
    actions = [
        "publish",
        "close_registration",
        "cancel",
        "export_csv",
        "export_xlsx",
        *b2b.MISSION_ACTIONS,
    ]
    fieldsets = [
        (
            None,
            {"fields": ["title", "summary", "description", "sectors", "status", "published_at"]},
        ),
        (
            _("Date e posti"),
            {
                "fields": [
                    "start_date",
                    "end_date",
                    "seats",
                    "max_delegates",
                    "registration_opens_at",
                    "registration_deadline",
                    "requires_approval",
                    "offer_hours",
                ]
            },
        ),
        (_("Costi"), {"fields": ["costs"]}),
        (
            _("Incontri B2B"),
            {
                "fields": [
                    "meeting_requests_per_firm",
                    "meeting_requests_per_partner",
                    "slot_minutes",
                    "tables",
                    "agenda_published_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                held=Count(
                    "applications",
                    filter=Q(applications__status__in=Application.HOLDS_SEAT),
                    distinct=True,
                ),
                waiting=Count(
                    "applications",
                    filter=Q(applications__status=Application.Status.WAITLISTED),
                    distinct=True,
                ),
            )
        )

    @admin.display(description=_("posti occupati / totali"))
    def seats_taken(self, obj):
        return f"{obj.held} / {obj.seats}"

    @admin.display(description=_("lista d'attesa"), ordering="waiting")
    def waitlist(self, obj):
        return obj.waiting

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        partners_formset = next(
            (f for f in formsets if f.model is MissionPartner and f.has_changed()), None
        )
        if partners_formset is not None:
            # Partners changed: recompute the suggestions in the background.
            suggestions.matchmaking_request(mission_id=form.instance.pk)
        if change:
            # More seats (or looser sector caps) go to the waiting list, in order.
            offered = application_services.mission_capacity_changed(mission_id=form.instance.pk)
            if offered:
                self.message_user(
                    request,
                    ngettext(
                        "%d posto offerto alla lista d'attesa.",
                        "%d posti offerti alla lista d'attesa.",
                        len(offered),
                    )
                    % len(offered),
                )

    @admin.action(description=_("Pubblica e avvisa le imprese dei settori"), permissions=["change"])
    def publish(self, request, queryset):
        count = sum(mission_services.mission_publish(mission_id=m.pk) for m in queryset)
        self.message_user(
            request,
            ngettext("%d missione pubblicata.", "%d missioni pubblicate.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Chiudi le iscrizioni"), permissions=["change"])
    def close_registration(self, request, queryset):
        count = sum(mission_services.mission_close_registration(mission_id=m.pk) for m in queryset)
        self.message_user(
            request,
            ngettext(
                "Iscrizioni chiuse per %d missione.", "Iscrizioni chiuse per %d missioni.", count
            )
            % count,
        )

    @admin.action(
        description=_("Annulla la missione (ritira le candidature e avvisa le imprese)"),
        permissions=["change"],
    )
    def cancel(self, request, queryset):
        count = sum(mission_services.mission_cancel(mission_id=m.pk) for m in queryset)
        self.message_user(
            request,
            ngettext("%d missione annullata.", "%d missioni annullate.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Esporta i partecipanti (CSV)"), permissions=["change"])
    def export_csv(self, request, queryset):
        applications = Application.objects.filter(
            mission__in=queryset, status=Application.Status.CONFIRMED
        ).order_by("mission__start_date", "firm__name")
        return _export(applications, "csv", "partecipanti")

    @admin.action(description=_("Esporta i partecipanti (XLSX)"), permissions=["change"])
    def export_xlsx(self, request, queryset):
        applications = Application.objects.filter(
            mission__in=queryset, status=Application.Status.CONFIRMED
        ).order_by("mission__start_date", "firm__name")
        return _export(applications, "xlsx", "Partecipanti")


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = [
        "firm",
        "mission",
        "status",
        "delegates",
        "created_at",
        "offer_expires_at",
        "attended",
        "contacts_made",
        "followup_meetings",
        "deals_in_progress",
    ]
    list_filter = ["status", "mission", "firm__sector"]
    search_fields = ["firm__name", "firm__vat_number", "mission__title"]
    list_select_related = ["firm", "mission"]
    # Status changes go through the actions (services), which keep seats and the waiting list
    # consistent and notify the firm; the form cannot change them.
    readonly_fields = [
        "mission",
        "firm",
        "applied_by",
        "status",
        "created_at",
        "waitlisted_at",
        "offer_expires_at",
        "decided_at",
        "withdrawn_reason",
    ]
    fields = [
        *readonly_fields,
        "delegates",
        "note",
        "answers",
        "attended",
        "contacts_made",
        "followup_meetings",
        "deals_in_progress",
        "outcome_note",
    ]
    actions = [
        "confirm",
        "reject",
        "waitlist",
        "mark_attended",
        "mark_absent",
        "export_csv",
        "export_xlsx",
    ]
    list_editable = ["attended", "contacts_made", "followup_meetings", "deals_in_progress"]

    def has_delete_permission(self, request, obj=None):
        # A deleted application would free its seat without offering it to the waiting list
        # (and keep its B2B): staff withdraw or reject through the actions instead.
        return False

    @admin.action(description=_("Segna: ha partecipato"), permissions=["change"])
    def mark_attended(self, request, queryset):
        application_services.applications_mark_attended(
            application_ids=list(queryset.values_list("pk", flat=True)), attended=True
        )

    @admin.action(description=_("Segna: non ha partecipato"), permissions=["change"])
    def mark_absent(self, request, queryset):
        application_services.applications_mark_attended(
            application_ids=list(queryset.values_list("pk", flat=True)), attended=False
        )

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Conferma le candidature selezionate"), permissions=["change"])
    def confirm(self, request, queryset):
        confirmed, refused = application_services.applications_confirm(
            application_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request,
            ngettext("%d candidatura confermata.", "%d candidature confermate.", confirmed)
            % confirmed,
            messages.SUCCESS,
        )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%d candidatura non confermata: non ci sono posti liberi (aumenta i posti).",
                    "%d candidature non confermate: non ci sono posti liberi (aumenta i posti).",
                    refused,
                )
                % refused,
                messages.ERROR,
            )

    @admin.action(description=_("Respingi le candidature selezionate"), permissions=["change"])
    def reject(self, request, queryset):
        count = application_services.applications_reject(
            application_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request, ngettext("%d candidatura respinta.", "%d candidature respinte.", count) % count
        )

    @admin.action(description=_("Sposta in lista d'attesa"), permissions=["change"])
    def waitlist(self, request, queryset):
        count = application_services.applications_waitlist(
            application_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request,
            ngettext(
                "%d candidatura in lista d'attesa.", "%d candidature in lista d'attesa.", count
            )
            % count,
        )

    @admin.action(description=_("Esporta (CSV)"), permissions=["change"])
    def export_csv(self, request, queryset):
        return _export(queryset.order_by("mission__start_date", "firm__name"), "csv", "candidature")

    @admin.action(description=_("Esporta (XLSX)"), permissions=["change"])
    def export_xlsx(self, request, queryset):
        return _export(
            queryset.order_by("mission__start_date", "firm__name"), "xlsx", "Candidature"
        )


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["mission", "firm", "user", "created_at"]
    list_filter = ["mission"]
    list_select_related = ["mission", "firm", "user"]
