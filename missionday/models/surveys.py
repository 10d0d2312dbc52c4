"""The satisfaction survey after a mission.

A `SurveyResponse` is one person's answers for one mission: a delegate or a partner contact who
checked in. Answers count once per person (the unique constraint below, whatever writes them);
when the person's account is erased the answers stay, anonymised (user set to null, the comment
cleared by missionday/privacy.py), so the mission's figures do not change.
`SurveySending` stamps that a mission's survey went out (by staff or by beat the day after the
mission ended), so the daily scan sends each mission's survey once.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from missionday.models.passes import DayPass
from missions.models import Mission

COMMENT_MAX_LENGTH = 1000


class SurveyResponse(models.Model):
    mission = models.ForeignKey(
        Mission,
        on_delete=models.CASCADE,
        related_name="survey_responses",
        verbose_name=_("missione"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("utente"),
    )
    kind = models.CharField(_("tipo"), max_length=10, choices=DayPass.Kind.choices)
    overall = models.PositiveSmallIntegerField(
        _("consiglieresti la missione (0-10)"),
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    meetings_usefulness = models.PositiveSmallIntegerField(
        _("utilità degli incontri (1-5)"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    organisation = models.PositiveSmallIntegerField(
        _("organizzazione (1-5)"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(_("commento"), max_length=COMMENT_MAX_LENGTH, blank=True)
    submitted_at = models.DateTimeField(_("inviato il"), auto_now_add=True)

    class Meta:
        ordering = ["mission", "-submitted_at", "pk"]
        verbose_name = _("risposta al questionario")
        verbose_name_plural = _("risposte al questionario")
        constraints = [
            models.UniqueConstraint(
                "mission",
                "user",
                condition=Q(user__isnull=False),
                name="missionday_survey_once_per_person",
            ),
            models.CheckConstraint(
                condition=Q(overall__gte=0, overall__lte=10),
                name="missionday_survey_overall_0_10",
            ),
            models.CheckConstraint(
                condition=Q(meetings_usefulness__gte=1, meetings_usefulness__lte=5),
                name="missionday_survey_usefulness_1_5",
            ),
            models.CheckConstraint(
                condition=Q(organisation__gte=1, organisation__lte=5),
                name="missionday_survey_organisation_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mission_id}: {self.overall}"


class SurveySending(models.Model):
    """The mission's survey went out (once; later runs only reach people not told yet)."""

    mission = models.OneToOneField(
        Mission, on_delete=models.CASCADE, related_name="survey_sending", verbose_name=_("missione")
    )
    sent_at = models.DateTimeField(_("inviato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("invio del questionario")
        verbose_name_plural = _("invii del questionario")

    def __str__(self) -> str:
        return f"{self.mission_id} {self.sent_at:%Y-%m-%d}"
