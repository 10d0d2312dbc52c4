from django.contrib import admin, messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from core import spreadsheets
from members.models import Membership
from missions import exports, services
from missions.models import (
    Application,
    City,
    Interest,
    MatchmakingRun,
    Meeting,
    MeetingRequest,
    Mission,
    MissionPartner,
    Partner,
    ProgrammeItem,
    Question,
    SchedulerRun,
    SectorCap,
    Slot,
)


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "local_name", "country", "time_zone"]
    prepopulated_fields = {"slug": ["local_name"]}
    search_fields = ["name", "local_name"]


class ProgrammeItemInline(admin.TabularInline):
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
    fields = ["firm", "user", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class MissionPartnerInline(admin.TabularInline):
    model = MissionPartner
    extra = 0
    autocomplete_fields = ["partner"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "sessions":
            mission_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = ProgrammeItem.objects.filter(
                mission_id=mission_id, kind=ProgrammeItem.Kind.B2B
            ).select_related("city")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


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
class MissionAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "start_date",
        "status",
        "seats_taken",
        "waitlist",
        "registration_deadline",
    ]
    list_filter = ["status", "sectors", "requires_approval"]
    search_fields = ["title", "summary"]
    date_hierarchy = "start_date"
    filter_horizontal = ["sectors"]
    readonly_fields = ["published_at", "agenda_published_at"]
    inlines = [
        ProgrammeItemInline,
        SectorCapInline,
        QuestionInline,
        MissionPartnerInline,
        InterestInline,
    ]
    actions = [
        "publish",
        "close_registration",
        "export_csv",
        "export_xlsx",
        "generate_slots",
        "run_matchmaking",
        "run_scheduler",
        "publish_agendas",
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
            from missions.services import b2b

            b2b.matchmaking_request(mission_id=form.instance.pk)
        if change:
            # More seats (or looser sector caps) go to the waiting list, in order.
            offered = services.mission_capacity_changed(mission_id=form.instance.pk)
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
        count = sum(services.mission_publish(mission_id=m.pk) for m in queryset)
        self.message_user(
            request,
            ngettext("%d missione pubblicata.", "%d missioni pubblicate.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Chiudi le iscrizioni"), permissions=["change"])
    def close_registration(self, request, queryset):
        count = sum(services.mission_close_registration(mission_id=m.pk) for m in queryset)
        self.message_user(
            request,
            ngettext(
                "Iscrizioni chiuse per %d missione.", "Iscrizioni chiuse per %d missioni.", count
            )
            % count,
        )

    @admin.action(description=_("B2B: crea le fasce orarie delle sessioni"), permissions=["change"])
    def generate_slots(self, request, queryset):
        from missions.services import ApplicationError, b2b

        for mission in queryset:
            try:
                count = b2b.slots_generate(mission_id=mission.pk)
            except ApplicationError as exc:
                self.message_user(request, f"{mission}: {exc}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(mission)s: %(n)d fasce orarie.") % {"mission": mission, "n": count},
                )

    @admin.action(description=_("B2B: calcola i partner suggeriti"), permissions=["change"])
    def run_matchmaking(self, request, queryset):
        from missions.services import b2b

        for mission in queryset:
            b2b.matchmaking_request(mission_id=mission.pk)
        self.message_user(
            request,
            _("Calcolo avviato: segui l'avanzamento in «Calcoli del matchmaking»."),
            messages.SUCCESS,
        )

    @admin.action(description=_("B2B: pianifica gli incontri"), permissions=["change"])
    def run_scheduler(self, request, queryset):
        from missions.services import b2b

        for mission in queryset:
            run = b2b.scheduler_run(mission_id=mission.pk)
            level = messages.SUCCESS if run.placed == run.meetings else messages.WARNING
            self.message_user(
                request,
                _(
                    "%(mission)s: collocati %(placed)d incontri su %(total)d (massimo teorico "
                    "%(bound)d), spostati %(moved)d, in %(seconds).2f s. Dettagli in "
                    "«Esecuzioni del pianificatore»."
                )
                % {
                    "mission": mission,
                    "placed": run.placed,
                    "total": run.meetings,
                    "bound": run.upper_bound,
                    "moved": run.moved,
                    "seconds": run.seconds,
                },
                level,
            )

    @admin.action(
        description=_("B2B: pubblica le agende e avvisa le imprese"), permissions=["change"]
    )
    def publish_agendas(self, request, queryset):
        from missions.services import b2b

        for mission in queryset:
            count = b2b.agenda_publish(mission_id=mission.pk)
            self.message_user(
                request,
                _("%(mission)s: agende pubblicate per %(n)d imprese.")
                % {"mission": mission, "n": count},
            )

    @admin.action(description=_("Esporta i partecipanti (CSV)"))
    def export_csv(self, request, queryset):
        applications = Application.objects.filter(
            mission__in=queryset, status=Application.Status.CONFIRMED
        ).order_by("mission__start_date", "firm__name")
        return _export(applications, "csv", "partecipanti")

    @admin.action(description=_("Esporta i partecipanti (XLSX)"))
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

    @admin.action(description=_("Segna: ha partecipato"), permissions=["change"])
    def mark_attended(self, request, queryset):
        services.applications_mark_attended(
            application_ids=list(queryset.values_list("pk", flat=True)), attended=True
        )

    @admin.action(description=_("Segna: non ha partecipato"), permissions=["change"])
    def mark_absent(self, request, queryset):
        services.applications_mark_attended(
            application_ids=list(queryset.values_list("pk", flat=True)), attended=False
        )

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Conferma le candidature selezionate"), permissions=["change"])
    def confirm(self, request, queryset):
        confirmed, refused = services.applications_confirm(
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
        count = services.applications_reject(
            application_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request, ngettext("%d candidatura respinta.", "%d candidature respinte.", count) % count
        )

    @admin.action(description=_("Sposta in lista d'attesa"), permissions=["change"])
    def waitlist(self, request, queryset):
        count = services.applications_waitlist(
            application_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request,
            ngettext(
                "%d candidatura in lista d'attesa.", "%d candidature in lista d'attesa.", count
            )
            % count,
        )

    @admin.action(description=_("Esporta (CSV)"))
    def export_csv(self, request, queryset):
        return _export(queryset.order_by("mission__start_date", "firm__name"), "csv", "candidature")

    @admin.action(description=_("Esporta (XLSX)"))
    def export_xlsx(self, request, queryset):
        return _export(
            queryset.order_by("mission__start_date", "firm__name"), "xlsx", "Candidature"
        )


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["mission", "firm", "user", "created_at"]
    list_filter = ["mission"]
    list_select_related = ["mission", "firm", "user"]


# --- B2B ------------------------------------------------------------------------------------


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "nace_list", "language_list"]
    list_filter = ["kind", "city", "sectors"]
    search_fields = ["name", "products_sought", "description", "contact_name"]
    filter_horizontal = ["sectors"]
    list_select_related = ["city"]

    @admin.display(description=_("NACE"))
    def nace_list(self, obj):
        return ", ".join(obj.nace_codes)

    @admin.display(description=_("lingue"))
    def language_list(self, obj):
        return ", ".join(obj.languages)


@admin.register(MatchmakingRun)
class MatchmakingRunAdmin(admin.ModelAdmin):
    """Progress of the matchmaking computations (the task updates it as it goes)."""

    list_display = ["mission", "status", "progress", "pairs", "created_at", "finished_at"]
    list_filter = ["status", "mission"]
    readonly_fields = [f.name for f in MatchmakingRun._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SchedulerRun)
class SchedulerRunAdmin(admin.ModelAdmin):
    list_display = [
        "mission",
        "created_at",
        "meetings",
        "placed",
        "upper_bound",
        "moved",
        "seconds",
    ]
    list_filter = ["mission"]
    readonly_fields = [f.name for f in SchedulerRun._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(MeetingRequest)
class MeetingRequestAdmin(admin.ModelAdmin):
    """Firms' requests (staff accept or decline for the partner) and partners' own wishes."""

    list_display = [
        "firm",
        "partner",
        "mission",
        "priority",
        "origin",
        "status",
        "reason",
        "created_at",
    ]
    list_filter = ["status", "origin", "priority", "mission"]
    search_fields = ["firm__name", "partner__name", "reason"]
    list_select_related = ["firm", "partner__city", "mission"]
    autocomplete_fields = ["firm", "partner"]
    actions = ["accept", "decline"]
    fields = ["mission", "firm", "partner", "priority", "reason", "origin", "status"]
    readonly_fields = ["origin", "status"]

    def has_change_permission(self, request, obj=None):
        # Decisions go through the actions; an existing request is not edited by form.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """Adding a request in admin enters a partner's own wish (the firm then answers)."""
        from missions.services import b2b

        b2b.partner_wish_create(
            mission_id=obj.mission_id,
            partner_id=obj.partner_id,
            firm_id=obj.firm_id,
            priority=obj.priority,
        )

    @admin.action(description=_("Accetta per il partner"), permissions=["view"])
    def accept(self, request, queryset):
        from missions.services import b2b

        count = b2b.meeting_requests_decide(
            request_ids=list(queryset.values_list("pk", flat=True)), accept=True
        )
        self.message_user(
            request, ngettext("%d incontro accettato.", "%d incontri accettati.", count) % count
        )

    @admin.action(description=_("Rifiuta per il partner"), permissions=["view"])
    def decline(self, request, queryset):
        from missions.services import b2b

        count = b2b.meeting_requests_decide(
            request_ids=list(queryset.values_list("pk", flat=True)), accept=False
        )
        self.message_user(
            request, ngettext("%d richiesta rifiutata.", "%d richieste rifiutate.", count) % count
        )


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    """Meetings: staff move or lock single ones, see who needs an interpreter, mark attendance."""

    list_display = [
        "firm",
        "partner",
        "mission",
        "slot",
        "table",
        "locked",
        "needs_interpreter",
        "attendance",
        "outcome",
    ]
    list_filter = ["mission", "needs_interpreter", "locked", "attendance", "outcome"]
    search_fields = ["firm__name", "partner__name"]
    list_select_related = ["firm", "partner__city", "mission", "slot__session__city"]
    fields = [
        "mission",
        "firm",
        "partner",
        "slot",
        "table",
        "locked",
        "needs_interpreter",
        "attendance",
        "outcome",
        "outcome_note",
    ]
    readonly_fields = ["mission", "firm", "partner", "needs_interpreter", "outcome", "outcome_note"]
    actions = ["mark_held", "mark_no_show", "unlock"]

    def has_add_permission(self, request):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "slot":
            meeting_id = request.resolver_match.kwargs.get("object_id")
            mission_id = Meeting.objects.filter(pk=meeting_id).values("mission_id")[:1]
            kwargs["queryset"] = Slot.objects.filter(
                session__mission_id__in=mission_id
            ).select_related("session__city")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """A manual move goes through the service: mission lock, checks, notification."""
        from missions.services import ApplicationError, b2b

        try:
            # A meeting placed by hand is locked; the "unlock" action releases it.
            b2b.meeting_move(meeting_id=obj.pk, slot_id=obj.slot_id, table=obj.table, lock=True)
        except ApplicationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        b2b.meetings_mark_attendance(meeting_ids=[obj.pk], attendance=obj.attendance)

    @admin.action(description=_("Segna come svolti"), permissions=["change"])
    def mark_held(self, request, queryset):
        from missions.services import b2b

        b2b.meetings_mark_attendance(
            meeting_ids=list(queryset.values_list("pk", flat=True)), attendance="held"
        )

    @admin.action(description=_("Segna come assenti"), permissions=["change"])
    def mark_no_show(self, request, queryset):
        from missions.services import b2b

        b2b.meetings_mark_attendance(
            meeting_ids=list(queryset.values_list("pk", flat=True)), attendance="no_show"
        )

    @admin.action(
        description=_("Sblocca (il pianificatore potrà spostarli)"), permissions=["change"]
    )
    def unlock(self, request, queryset):
        from missions.services import b2b

        b2b.meetings_unlock(meeting_ids=list(queryset.values_list("pk", flat=True)))
