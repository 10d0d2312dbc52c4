"""The admin of the B2B meetings: partners, matchmaking and scheduler runs, requests, meetings,
and the B2B parts of a mission's page (its partners inline and the B2B actions)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from missions.models import (
    MatchmakingRun,
    Meeting,
    MeetingRequest,
    MissionPartner,
    Partner,
    ProgrammeItem,
    SchedulerRun,
    Slot,
)
from missions.services import (
    agenda,
    meeting_requests,
    outcomes,
    scheduling_runs,
    slots,
    suggestions,
)
from missions.services.errors import MeetingError

# --- On the mission's page (missions.admin.missions.MissionAdmin) ---------------------------


class MissionPartnerInline(admin.TabularInline):
    model = MissionPartner
    extra = 0
    autocomplete_fields = ["partner"]
    # The partner's answer and blocked slots are theirs (partners' workspace, through
    # missions.services.partner_attendance): shown, never edited here.
    fields = ["partner", "sessions", "attendance", "responded_at"]
    readonly_fields = ["attendance", "responded_at"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "sessions":
            mission_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = ProgrammeItem.objects.filter(
                mission_id=mission_id, kind=ProgrammeItem.Kind.B2B
            ).select_related("city")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.action(description=_("B2B: crea le fasce orarie delle sessioni"), permissions=["change"])
def generate_slots(modeladmin, request, queryset):
    for mission in queryset:
        try:
            count = slots.slots_generate(mission_id=mission.pk)
        except MeetingError as exc:
            modeladmin.message_user(request, f"{mission}: {exc}", messages.ERROR)
        else:
            modeladmin.message_user(
                request,
                _("%(mission)s: %(n)d fasce orarie.") % {"mission": mission, "n": count},
            )


@admin.action(description=_("B2B: calcola i partner suggeriti"), permissions=["change"])
def run_matchmaking(modeladmin, request, queryset):
    for mission in queryset:
        suggestions.matchmaking_request(mission_id=mission.pk)
    modeladmin.message_user(
        request,
        _("Calcolo avviato: segui l'avanzamento in «Calcoli del matchmaking»."),
        messages.SUCCESS,
    )


@admin.action(description=_("B2B: pianifica gli incontri"), permissions=["change"])
def run_scheduler(modeladmin, request, queryset):
    for mission in queryset:
        run = scheduling_runs.scheduler_run(mission_id=mission.pk)
        level = messages.SUCCESS if run.placed == run.meetings else messages.WARNING
        modeladmin.message_user(
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


@admin.action(description=_("B2B: pubblica le agende e avvisa le imprese"), permissions=["change"])
def publish_agendas(modeladmin, request, queryset):
    for mission in queryset:
        count = agenda.agenda_publish(mission_id=mission.pk)
        modeladmin.message_user(
            request,
            _("%(mission)s: agende pubblicate per %(n)d imprese.")
            % {"mission": mission, "n": count},
        )


MISSION_ACTIONS = [generate_slots, run_matchmaking, run_scheduler, publish_agendas]


# --- The B2B models ------------------------------------------------------------------------


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "nace_list", "language_list"]
    list_filter = ["kind", "city", "sectors"]
    search_fields = ["name", "products_sought", "description", "contact_name"]
    filter_horizontal = ["sectors"]
    list_select_related = ["city"]

    def get_queryset(self, request):
        # The city is in the partner's name (Partner.__str__): also for the autocomplete of the
        # mission's partners inline, which lists partners without list_select_related.
        return super().get_queryset(request).select_related("city")

    @admin.display(description=_("NACE"))
    def nace_list(self, obj):
        return ", ".join(obj.nace_codes)

    @admin.display(description=_("lingue"))
    def language_list(self, obj):
        return ", ".join(obj.languages)


@admin.register(MatchmakingRun)
class MatchmakingRunAdmin(admin.ModelAdmin):
    """Progress of the matchmaking computations (the task updates it as it goes)."""

    list_display = [
        "mission",
        "status",
        "progress",
        "pairs",
        "attempts",
        "created_at",
        "finished_at",
        "message",
    ]
    list_filter = ["status", "mission"]
    readonly_fields = [f.name for f in MatchmakingRun._meta.fields]
    actions = ["rerun"]

    def has_add_permission(self, request):
        return False

    @admin.action(
        description=_("Ricalcola i suggerimenti di queste missioni"), permissions=["change"]
    )
    def rerun(self, request, queryset):
        count = suggestions.matchmaking_rerun(run_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "Calcolo rimesso in coda per %d missione.",
                "Calcolo rimesso in coda per %d missioni.",
                count,
            )
            % count,
            messages.SUCCESS,
        )


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
        "cancelled_reason",
        "reason",
        "created_at",
    ]
    list_filter = ["status", "origin", "priority", "mission"]
    search_fields = ["firm__name", "partner__name", "reason"]
    list_select_related = ["firm", "partner__city", "mission"]
    autocomplete_fields = ["firm", "partner"]
    actions = ["accept", "decline"]
    fields = [
        "mission",
        "firm",
        "partner",
        "priority",
        "reason",
        "origin",
        "status",
        "cancelled_reason",
    ]
    readonly_fields = ["origin", "status", "cancelled_reason"]

    def has_change_permission(self, request, obj=None):
        # Decisions go through the actions; an existing request is not edited by form.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """Adding a request in admin enters a partner's own wish (the firm then answers)."""
        meeting_requests.partner_wish_create(
            mission_id=obj.mission_id,
            partner_id=obj.partner_id,
            firm_id=obj.firm_id,
            priority=obj.priority,
        )

    @admin.action(description=_("Accetta per il partner"), permissions=["change"])
    def accept(self, request, queryset):
        count = meeting_requests.meeting_requests_decide(
            request_ids=list(queryset.values_list("pk", flat=True)), accept=True
        )
        self.message_user(
            request, ngettext("%d incontro accettato.", "%d incontri accettati.", count) % count
        )

    @admin.action(description=_("Rifiuta per il partner"), permissions=["change"])
    def decline(self, request, queryset):
        count = meeting_requests.meeting_requests_decide(
            request_ids=list(queryset.values_list("pk", flat=True)), accept=False
        )
        self.message_user(
            request, ngettext("%d richiesta rifiutata.", "%d richieste rifiutate.", count) % count
        )


PARTNER_FEEDBACK = [
    "partner_held",
    "partner_interest",
    "partner_next_step",
    "partner_note",
    "partner_feedback_at",
    "partner_feedback_by",
]


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
        "partner_held",
        "partner_interest",
        "partner_next_step",
    ]
    list_filter = [
        "mission",
        "needs_interpreter",
        "locked",
        "attendance",
        "outcome",
        "partner_interest",
        "partner_next_step",
    ]
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
        *PARTNER_FEEDBACK,
    ]
    # The firm's outcome and the partner's feedback are theirs (missions.services.outcomes).
    readonly_fields = [
        "mission",
        "firm",
        "partner",
        "needs_interpreter",
        "outcome",
        "outcome_note",
        *PARTNER_FEEDBACK,
    ]
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
        try:
            # A meeting placed by hand is locked; the "unlock" action releases it.
            scheduling_runs.meeting_move(
                meeting_id=obj.pk, slot_id=obj.slot_id, table=obj.table, lock=True
            )
        except MeetingError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        outcomes.meetings_mark_attendance(meeting_ids=[obj.pk], attendance=obj.attendance)

    @admin.action(description=_("Segna come svolti"), permissions=["change"])
    def mark_held(self, request, queryset):
        outcomes.meetings_mark_attendance(
            meeting_ids=list(queryset.values_list("pk", flat=True)), attendance="held"
        )

    @admin.action(description=_("Segna come assenti"), permissions=["change"])
    def mark_no_show(self, request, queryset):
        outcomes.meetings_mark_attendance(
            meeting_ids=list(queryset.values_list("pk", flat=True)), attendance="no_show"
        )

    @admin.action(
        description=_("Sblocca (il pianificatore potrà spostarli)"), permissions=["change"]
    )
    def unlock(self, request, queryset):
        scheduling_runs.meetings_unlock(meeting_ids=list(queryset.values_list("pk", flat=True)))
