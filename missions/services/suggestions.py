"""B2B suggestions: which German partners each confirmed firm should meet, and why.

The scoring is pure Python (missions.matchmaking); this module loads the profiles, runs it in a
Celery task (one queued run at a time per mission) and stores the suggestions with their reasons.
"""

from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from core.tasks import enqueue
from members.models import Firm
from members.recipients import notify_firm
from missions import matchmaking
from missions import notification_kinds as kinds
from missions.models import (
    Application,
    MatchmakingRun,
    MatchSuggestion,
    Mission,
    MissionPartner,
    Partner,
)
from missions.tasks import run_matchmaking as run_matchmaking_task


def participants(mission: Mission) -> QuerySet[Firm]:
    return Firm.objects.filter(
        applications__mission=mission, applications__status=Application.Status.CONFIRMED
    ).select_related("sector")


def mission_partners(mission: Mission) -> QuerySet[Partner]:
    return Partner.objects.filter(missions__mission=mission).select_related("city")


def _firm_profile(firm: Firm) -> matchmaking.FirmProfile:
    return matchmaking.FirmProfile(
        id=firm.pk,
        name=firm.name,
        sector=firm.sector.slug,
        ateco=firm.ateco_code,
        products=firm.products,
        description=firm.description,
        languages=frozenset(firm.languages),
        target_markets=frozenset(firm.target_markets),
        exports=firm.export_share > 0,
    )


def _partner_profile(partner: Partner) -> matchmaking.PartnerProfile:
    return matchmaking.PartnerProfile(
        id=partner.pk,
        name=partner.name,
        kind=partner.kind,
        country=partner.city.country,
        sectors=frozenset(s.slug for s in partner.sectors.all()),
        nace_codes=tuple(partner.nace_codes),
        products_sought=partner.products_sought,
        description=partner.description,
        languages=frozenset(partner.languages),
    )


def matchmaking_request(*, mission_id: int) -> MatchmakingRun:
    """Queue a (re)computation of the suggestions; one queued run at a time per mission."""
    with transaction.atomic():
        run = MatchmakingRun.objects.filter(
            mission_id=mission_id, status=MatchmakingRun.Status.QUEUED
        ).first()
        if run is None:
            run = MatchmakingRun.objects.create(mission_id=mission_id)
            transaction.on_commit(partial(enqueue, run_matchmaking_task, run.pk))
    return run


def participants_changed(*, mission_id: int) -> None:
    """New participants: recompute the suggestions (a queued task), if partners are set."""
    if MissionPartner.objects.filter(mission_id=mission_id).exists():
        matchmaking_request(mission_id=mission_id)


def matchmaking_run(*, run_id: int) -> int:
    """Score every (participant, partner) pair and replace the mission's suggestions.

    Loads everything in four queries, scores in pure Python (missions.matchmaking), writes in
    bulk, reports progress on the run row, and tells each firm its suggestions are ready.
    """
    with transaction.atomic():
        run = (
            MatchmakingRun.objects.select_for_update(skip_locked=True)
            .filter(pk=run_id, status=MatchmakingRun.Status.QUEUED)
            .first()
        )
        if run is None:
            return 0
        run.status = MatchmakingRun.Status.RUNNING
        run.save(update_fields=["status"])
    mission = run.mission
    firms = [_firm_profile(f) for f in participants(mission)]
    partners = [_partner_profile(p) for p in mission_partners(mission).prefetch_related("sectors")]
    suggestions: list[MatchSuggestion] = []
    for done, profile in enumerate(firms, start=1):
        for suggestion in matchmaking.suggest([profile], partners).get(profile.id, []):
            suggestions.append(
                MatchSuggestion(
                    mission=mission,
                    firm_id=suggestion.firm_id,
                    partner_id=suggestion.partner_id,
                    score=suggestion.score,
                    reasons=[[r.code, dict(r.params), r.points] for r in suggestion.reasons],
                )
            )
        if done % 10 == 0 or done == len(firms):
            MatchmakingRun.objects.filter(pk=run.pk).update(
                progress=round(100 * done / len(firms)), pairs=done * len(partners)
            )
    with transaction.atomic():
        MatchSuggestion.objects.filter(mission=mission).delete()
        MatchSuggestion.objects.bulk_create(suggestions, batch_size=1000)
        MatchmakingRun.objects.filter(pk=run.pk).update(
            status=MatchmakingRun.Status.DONE,
            progress=100,
            pairs=len(firms) * len(partners),
            finished_at=timezone.now(),
        )
        for firm in participants(mission).prefetch_related("memberships"):
            notify_firm(
                firm=firm,
                kind=kinds.SUGGESTIONS_READY.slug,
                object_key=f"mission:{mission.pk}:firm:{firm.pk}",
                version=f"run-{run.pk}",
                context={"mission": mission.title, "firm": firm.name},
                url=reverse("missions:b2b", args=[mission.pk]),
            )
    return len(suggestions)
