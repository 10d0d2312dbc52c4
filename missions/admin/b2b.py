"""The admin of the B2B meetings: partners, matchmaking and scheduler runs, requests, meetings,
and the B2B parts of a mission's page (its partners inline and the B2B actions)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from missions.forms import PartnerFeedbackForm
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
    partner_attendance,
    scheduling_runs,
    slots,
    suggestions,
)
from missions.services.errors import MeetingError, MissionsError

# --- On the mission's page (missions.admin.missions.MissionAdmin) ---------------------------


class MissionPartnerInline(admin.TabularInline):
    model = MissionPartner
    extra = 0
    autocomplete_fields = ["partner"]
    # The partner's answer and blocked slots are theirs (partners' workspace, through
    # missions.services.partner_attendance): shown, never edited here.
    fields = ["partner", "sessions", "attendance", "responded_at"]
    readonly_fields = ["attendance", "responded_at"]
    show_change_link = True  # staff answer for a partner who never signs in on its own page

    def get_queryset(self, request):
        # Each row shows its partner (with the city) and its sessions: read once, not per row.
        return (
            super()
            .get_queryset(request)
            .select_related("partner__city")
            .prefetch_related("sessions")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "partner":  # the autocomplete shows each row's partner with its city
            kwargs["queryset"] = Partner.objects.select_related("city")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

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


class MissionPartnerForm(forms.ModelForm):
    """Staff answer for a partner: the slots it cannot attend, a form field of its own (written
    by missions.services.partner_attendance, never saved as the model's many-to-many)."""

    unavailable_slots = forms.ModelMultipleChoiceField(
        label=_("Fasce in cui il partner non è disponibile"),
        queryset=Slot.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = MissionPartner
        fields = ["sessions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unavailable_slots"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 (narrowing)
        field.queryset = Slot.objects.filter(
            session__mission_id=self.instance.mission_id
        ).select_related("session__city")
        if not self.is_bound:
            self.initial["unavailable_slots"] = list(
                self.instance.blocked_slots.values_list("pk", flat=True)
            )
        sessions = self.fields.get("sessions")
        if isinstance(sessions, forms.ModelMultipleChoiceField):
            sessions.queryset = ProgrammeItem.objects.filter(
                mission_id=self.instance.mission_id, kind=ProgrammeItem.Kind.B2B
            ).select_related("city")


@admin.register(MissionPartner)
class MissionPartnerAdmin(admin.ModelAdmin):
    """A partner on a mission, for staff acting for a partner who never signs in: its attendance
    (actions) and the slots it cannot attend (the form), through the same service as the
    partner's own workspace, so the scheduler respects them the same way."""

    form = MissionPartnerForm
    list_display = ["partner", "mission", "attendance", "responded_at", "blocked_count"]
    list_filter = ["mission", "attendance"]
    search_fields = ["partner__name", "mission__title"]
    list_select_related = ["partner__city", "mission"]
    fields = ["mission", "partner", "attendance", "responded_at", "sessions", "unavailable_slots"]
    readonly_fields = ["mission", "partner", "attendance", "responded_at"]
    actions = ["confirm_attendance", "decline_attendance"]

    def has_add_permission(self, request):
        return False  # partners join a mission on the mission's page

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(blocked=Count("blocked_slots"))

    @admin.display(description=_("fasce bloccate"), ordering="blocked")
    def blocked_count(self, obj):
        return obj.blocked

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """All or nothing: a refusal of the service in save_related propagates out of the
        admin's atomic block (the row, the sessions and the log entry roll back) and comes back
        here as the form again, with the reason and no success message."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except MissionsError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        chosen = {slot.pk for slot in form.cleaned_data["unavailable_slots"]}
        # A refusal (MissionsError) is re-raised: changeform_view rolls everything back.
        partner_attendance.mission_partner_block_slots(
            mission_partner_id=form.instance.pk, slot_ids=chosen
        )
        # As on the partner's own path: the next scheduler run moves its meetings out of newly
        # blocked slots (staff-locked meetings stay until staff move them); a no-show holds none.
        stuck = (
            Meeting.objects.filter(
                mission_id=form.instance.mission_id,
                partner_id=form.instance.partner_id,
                slot_id__in=chosen,
            )
            .exclude(attendance=Meeting.Attendance.NO_SHOW)
            .count()
        )
        if stuck:
            self.message_user(
                request,
                ngettext(
                    "%d incontro è in una fascia ora bloccata: esegui di nuovo il pianificatore "
                    "(o spostalo a mano, se è bloccato).",
                    "%d incontri sono in fasce ora bloccate: esegui di nuovo il pianificatore "
                    "(o spostali a mano, se sono bloccati).",
                    stuck,
                )
                % stuck,
                messages.WARNING,
            )

    def _respond(self, request, queryset, *, attending: bool) -> int:
        count = 0
        for pk in queryset.values_list("pk", flat=True):
            partner_attendance.mission_partner_respond(mission_partner_id=pk, attending=attending)
            count += 1
        return count

    @admin.action(description=_("Segna: il partner partecipa"), permissions=["change"])
    def confirm_attendance(self, request, queryset):
        count = self._respond(request, queryset, attending=True)
        self.message_user(request, _("Partecipazione registrata: %(n)d.") % {"n": count})

    @admin.action(description=_("Segna: il partner non partecipa"), permissions=["change"])
    def decline_attendance(self, request, queryset):
        count = self._respond(request, queryset, attending=False)
        self.message_user(request, _("Rinuncia registrata: %(n)d.") % {"n": count})


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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refused = getattr(request, "_wish_refused", None)
        if refused is None:
            return form

        def clean(self):  # the service said no: the same form, with its reason
            form.clean(self)
            raise ValidationError(str(refused))

        return type("RefusedWishForm", (form,), {"clean": clean})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except MissionsError as exc:
            # Nothing was written (the admin's transaction rolled back): show the form again,
            # with what staff typed and the rule that refused it.
            request._wish_refused = exc
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """Adding a request in admin enters a partner's own wish for a partner who never signs
        in (the firm then answers); the service's refusals show on the form."""
        wish = meeting_requests.partner_wish_create(
            mission_id=obj.mission_id,
            partner_id=obj.partner_id,
            firm_id=obj.firm_id,
            priority=obj.priority,
            reason=obj.reason,
        )
        obj.pk = wish.pk  # the admin's log and links name the row the service created

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
    """Meetings: staff move or lock single ones, see who needs an interpreter, mark attendance,
    enter the feedback of a partner who never signs in."""

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
    actions = ["mark_held", "mark_no_show", "unlock", "enter_partner_feedback"]

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
        self._mark(request, [obj.pk], obj.attendance)

    def _mark(self, request, meeting_ids, attendance):
        """Attendance through the service; taking back a no-show whose table was given to
        another meeting meanwhile is refused with a message (nothing changes)."""
        try:
            outcomes.meetings_mark_attendance(meeting_ids=meeting_ids, attendance=attendance)
        except MeetingError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    @admin.action(description=_("Segna come svolti"), permissions=["change"])
    def mark_held(self, request, queryset):
        self._mark(request, list(queryset.values_list("pk", flat=True)), "held")

    @admin.action(description=_("Segna come assenti"), permissions=["change"])
    def mark_no_show(self, request, queryset):
        self._mark(request, list(queryset.values_list("pk", flat=True)), "no_show")

    @admin.action(
        description=_("Sblocca (il pianificatore potrà spostarli)"), permissions=["change"]
    )
    def unlock(self, request, queryset):
        scheduling_runs.meetings_unlock(meeting_ids=list(queryset.values_list("pk", flat=True)))

    @admin.action(
        description=_("Inserisci il feedback del partner"),
        permissions=["change"],
        location=ActionLocation.CHANGE_FORM,
    )
    def enter_partner_feedback(self, request, queryset):
        """On a meeting's page: its own page asks for the answer, then the service stores it
        as the partner's (user=None: entered by staff); a refusal is a message on that page,
        with what staff typed, and nothing changes."""
        meeting = queryset.select_related("firm", "partner", "slot").get()
        initial = {}
        if meeting.partner_feedback_at is not None:
            initial = {
                "held": "yes" if meeting.partner_held else "no",
                "interest": meeting.partner_interest,
                "next_step": meeting.partner_next_step,
                "note": meeting.partner_note,
            }
        # Only the action's own page posts `_feedback`; the change page's post asks for it.
        form = PartnerFeedbackForm(
            request.POST if "_feedback" in request.POST else None, initial=initial
        )
        if form.is_valid():
            try:
                outcomes.meeting_partner_feedback(
                    meeting_id=meeting.pk,
                    partner_id=meeting.partner_id,
                    user=None,
                    **form.cleaned_data,
                )
            except MissionsError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, _("Feedback del partner registrato."), messages.SUCCESS)
                return None  # back to the meeting's page
        return render(
            request,
            "admin/missions/partner_feedback.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Feedback del partner"),
                "meeting": meeting,
                "form": form,
                "opts": self.opts,
                "checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )
