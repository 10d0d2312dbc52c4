"""The mission day's admin: badges (staff add one by hand for someone without an account; the
token is never editable), check-ins (read-only: only the check-in service makes them), the
survey's answers (read-only), and on the mission's page the links to the day's pages and the
actions that issue the missing badges and send the satisfaction survey."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from missionday.models import CheckIn, DayPass, SurveyResponse
from missionday.services import surveys
from missionday.services.passes import day_passes_issue
from missions.admin.missions import MissionAdmin as MissionsMissionAdmin
from missions.models import Mission


def _issue(modeladmin: admin.ModelAdmin, request: HttpRequest, missions) -> None:
    for mission in missions:
        created = day_passes_issue(mission=mission)
        modeladmin.message_user(
            request,
            ngettext(
                "%(mission)s: %(n)d badge emesso.",
                "%(mission)s: %(n)d badge emessi.",
                created,
            )
            % {"mission": mission, "n": created},
            messages.SUCCESS,
        )


class CheckedInFilter(admin.SimpleListFilter):
    title = _("check-in")
    parameter_name = "check_in"

    def lookups(self, request, model_admin):
        return [("yes", _("Fatto")), ("no", _("Non ancora"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(checked_in=True)
        if self.value() == "no":
            return queryset.filter(checked_in=False)
        return queryset


class OrganisationFilter(admin.SimpleListFilter):
    """The firms and partners that have badges, by name (one query)."""

    title = _("organizzazione")
    parameter_name = "organisation"

    def lookups(self, request, model_admin):
        rows = (
            DayPass.objects.values_list("firm_id", "firm__name", "partner_id", "partner__name")
            .distinct()
            .order_by("firm__name", "partner__name")
        )
        return [
            (f"firm-{firm_id}", firm) if firm_id else (f"partner-{partner_id}", partner)
            for firm_id, firm, partner_id, partner in rows
        ]

    def queryset(self, request, queryset):
        kind, _sep, pk = (self.value() or "").partition("-")
        if kind in ("firm", "partner") and pk.isascii() and pk.isdecimal() and len(pk) < 19:
            return queryset.filter(**{f"{kind}_id": int(pk)})
        return queryset


class DayPassForm(forms.ModelForm):
    class Meta:
        model = DayPass
        fields = ["mission", "kind", "full_name", "firm", "partner", "user"]

    def clean(self):
        cleaned = super().clean() or {}
        kind, firm, partner = cleaned.get("kind"), cleaned.get("firm"), cleaned.get("partner")
        # The model's check constraint, said in words (a delegate's firm, a partner's partner).
        if kind == DayPass.Kind.DELEGATE and (firm is None or partner is not None):
            raise ValidationError(_("Il badge di un delegato indica l'impresa e nessun partner."))
        if kind == DayPass.Kind.PARTNER and (partner is None or firm is not None):
            raise ValidationError(_("Il badge di un partner indica il partner e nessuna impresa."))
        return cleaned


@admin.register(DayPass)
class DayPassAdmin(admin.ModelAdmin):
    form = DayPassForm
    list_display = ["full_name", "organisation", "kind", "mission", "checked_in", "created_at"]
    list_filter = [
        "mission",
        "kind",
        CheckedInFilter,
        OrganisationFilter,
    ]
    list_select_related = ["mission", "firm", "partner"]
    search_fields = ["full_name", "firm__name", "partner__name"]
    raw_id_fields = ["mission", "firm", "partner", "user"]
    # The token is what the QR carries: made once, never typed or changed by hand.
    readonly_fields = ["token", "created_at"]
    actions = ["issue_missing"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(checked_in=Exists(CheckIn.objects.filter(day_pass=OuterRef("pk"))))
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["mission", "kind", "full_name", "firm", "partner", "user"]
        return ["mission", "kind", "full_name", "firm", "partner", "user", "token", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Once issued, a badge stays the same person's on the same mission: only the printed
        # name can be corrected.
        return ["mission", "kind", "firm", "partner", "user", "token", "created_at"]

    @admin.display(boolean=True, description=_("check-in"), ordering="checked_in")
    def checked_in(self, obj: DayPass) -> bool:
        return bool(getattr(obj, "checked_in", False))

    @admin.display(description=_("organizzazione"))
    def organisation(self, obj: DayPass) -> str:
        return obj.organisation

    def has_delete_permission(self, request, obj=None):
        # A badge that was checked in is the record of someone's presence (its check-ins would
        # go with it): only superusers remove it.
        if obj is not None and obj.check_ins.exists() and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(
        description=_("Emetti i badge mancanti delle missioni selezionate"), permissions=["add"]
    )
    def issue_missing(self, request, queryset):
        missions = Mission.objects.filter(pk__in=queryset.values("mission_id").distinct())
        _issue(self, request, missions)


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    """Read-only: a check-in is made by the check-in service (once per badge and day)."""

    list_display = ["day_pass", "mission", "day", "checked_in_at", "method", "by"]
    list_filter = ["day_pass__mission", "day", "method"]
    list_select_related = ["day_pass__firm", "day_pass__partner", "day_pass__mission", "by"]
    search_fields = ["day_pass__full_name"]
    date_hierarchy = "day"

    @admin.display(description=_("missione"), ordering="day_pass__mission")
    def mission(self, obj: CheckIn) -> Mission:
        return obj.day_pass.mission

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("day_pass__firm", "day_pass__partner", "day_pass__mission", "by")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    """Answers are the respondents': staff read them, nobody edits them."""

    list_display = [
        "mission",
        "kind",
        "overall",
        "meetings_usefulness",
        "organisation",
        "submitted_at",
    ]
    list_filter = ["kind", "mission"]
    list_select_related = ["mission"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- On the mission's page ------------------------------------------------------------------
# The missions admin, with the badges added here (missions does not know the mission day).

admin.site.unregister(Mission)


@admin.register(Mission)
class MissionAdmin(MissionsMissionAdmin):
    change_form_template = "admin/missionday/mission_change_form.html"
    actions = [*MissionsMissionAdmin.actions, "issue_badges", "send_survey"]

    def has_issue_badges_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("missionday.add_daypass")

    @admin.action(description=_("Giornata: emetti i badge mancanti"), permissions=["issue_badges"])
    def issue_badges(self, request, queryset):
        _issue(self, request, queryset)

    @admin.action(description=_("Invia questionario di gradimento"), permissions=["change"])
    def send_survey(self, request, queryset):
        """Queue the survey to the checked-in people of each chosen mission; those told before
        get nothing new (the service is idempotent)."""
        for mission in queryset:
            count = surveys.survey_send(mission=mission)
            self.message_user(
                request,
                ngettext(
                    "%(mission)s: questionario per %(n)d persona con check-in.",
                    "%(mission)s: questionario per %(n)d persone con check-in.",
                    count,
                )
                % {"mission": mission, "n": count},
                messages.SUCCESS if count else messages.WARNING,
            )
