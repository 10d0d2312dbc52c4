"""The mission day in admin: the survey's answers (read-only) and, on the mission's page, the
action that sends the satisfaction survey (missionday/services/surveys.py)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from missionday.models import SurveyResponse
from missionday.services import surveys
from missions.models import Mission


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


@admin.action(description=_("Invia questionario di gradimento"), permissions=["change"])
def send_survey(modeladmin, request, queryset):
    """Queue the survey to the checked-in people of each chosen mission; those told before get
    nothing new (the service is idempotent)."""
    for mission in queryset:
        count = surveys.survey_send(mission=mission)
        modeladmin.message_user(
            request,
            ngettext(
                "%(mission)s: questionario per %(n)d persona con check-in.",
                "%(mission)s: questionario per %(n)d persone con check-in.",
                count,
            )
            % {"mission": mission, "n": count},
            messages.SUCCESS if count else messages.WARNING,
        )


# The mission's admin belongs to missions (below this app): the action plugs into it here.
_mission_admin = admin.site.get_model_admin(Mission)
_mission_admin.actions = [*(_mission_admin.actions or []), send_survey]
