"""B2B suggestions: which German partners each confirmed firm should meet, and why.

The scoring is pure Python (missions.matchmaking); this module loads the profiles, runs it in a
Celery task (one queued run at a time per mission) and stores the suggestions with their reasons.
"""

import logging
from datetime import timedelta
from functools import partial

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tasks import enqueue
from core.translated import translations
from members.models import Firm
from members.recipients import notify_firm
from missions import matchmaking
from missions import notification_kinds as kinds
from missions.models import (
    Application,
    MatchmakingRun,
    MatchSuggestion,
    Meeting,
    Mission,
    MissionPartner,
    Partner,
)
from missions.tasks import run_matchmaking as run_matchmaking_task

logger = logging.getLogger(__name__)

MAX_RUN_ATTEMPTS = 3  # claims by a worker before a run that keeps losing its worker fails
RUN_QUEUE_GRACE = timedelta(minutes=2)  # a queued run's task may still be on its way
RUN_QUEUE_TIMEOUT = timedelta(hours=1)  # queued this long: it never started, it fails
RUN_STALE_AFTER = timedelta(minutes=10)  # running with no heartbeat this long: the worker died
_LOCK_NAMESPACE = 0x4D4D  # pg_advisory_xact_lock(namespace, mission id): "MM", matchmaking


def participants(mission: Mission) -> QuerySet[Firm]:
    return Firm.objects.filter(
        applications__mission=mission, applications__status=Application.Status.CONFIRMED
    ).select_related("sector")


def mission_partners(mission: Mission) -> QuerySet[Partner]:
    return Partner.objects.filter(missions__mission=mission).select_related("city")


def firm_profile(firm: Firm) -> matchmaking.FirmProfile:
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


def partner_profile(partner: Partner) -> matchmaking.PartnerProfile:
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
    """Queue a (re)computation of the suggestions; one queued run at a time per mission.

    The run row is the durable part: if the broker is down, the sweeper enqueues it later.
    """
    with transaction.atomic():
        run = MatchmakingRun.objects.filter(
            mission_id=mission_id, status=MatchmakingRun.Status.QUEUED
        ).first()
        if run is None:
            run = MatchmakingRun.objects.create(mission_id=mission_id)
            transaction.on_commit(partial(enqueue, run_matchmaking_task, run.pk))
    return run


def matchmaking_rerun(*, run_ids: list[int]) -> int:
    """Staff: compute the suggestions again for the missions of these runs (failed or not).

    Returns the number of missions with a run queued.
    """
    mission_ids = set(
        MatchmakingRun.objects.filter(pk__in=run_ids).values_list("mission_id", flat=True)
    )
    for mission_id in sorted(mission_ids):
        matchmaking_request(mission_id=mission_id)
    return len(mission_ids)


def participants_changed(*, mission_id: int) -> None:
    """New participants: recompute the suggestions (a queued task), if partners are set."""
    if MissionPartner.objects.filter(mission_id=mission_id).exists():
        matchmaking_request(mission_id=mission_id)


class _ClaimLost(Exception):
    """The sweeper gave this run to another execution while this one was still computing."""


def _claim(run_id: int) -> MatchmakingRun | None:
    """Take the run for this execution: None if it is not queued, or if another run of the same
    mission is being computed (this one stays queued; the sweeper enqueues it again later).

    The claim is a conditional UPDATE of the run's state under a per-mission advisory lock, so two
    executions of one run (a redelivered task, two beat processes) never both compute it.
    """
    with transaction.atomic():
        mission_id = (
            MatchmakingRun.objects.filter(pk=run_id, status=MatchmakingRun.Status.QUEUED)
            .values_list("mission_id", flat=True)
            .first()
        )
        if mission_id is None:
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, mission_id])
        busy = MatchmakingRun.objects.filter(
            mission_id=mission_id,
            status=MatchmakingRun.Status.RUNNING,
            heartbeat_at__gte=timezone.now() - RUN_STALE_AFTER,
        ).exists()
        if busy:
            return None
        now = timezone.now()
        claimed = MatchmakingRun.objects.filter(
            pk=run_id, status=MatchmakingRun.Status.QUEUED
        ).update(
            status=MatchmakingRun.Status.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            heartbeat_at=now,
            message="",
        )
        if not claimed:
            return None
        return MatchmakingRun.objects.select_related("mission").get(pk=run_id)


def _mine(run: MatchmakingRun) -> QuerySet[MatchmakingRun]:
    """The run, as long as this execution still holds it (same attempt, still running)."""
    return MatchmakingRun.objects.filter(
        pk=run.pk, status=MatchmakingRun.Status.RUNNING, attempts=run.attempts
    )


def matchmaking_run(*, run_id: int) -> int:
    """Compute a queued run; returns the number of suggestions (0 if it was not ours to run).

    Idempotent: a run already claimed, finished or failed is left alone, so a redelivered task or
    a second beat does nothing. An error marks the run failed with its reason.
    """
    run = _claim(run_id)
    if run is None:
        return 0
    try:
        return _compute(run)
    except _ClaimLost:
        logger.warning("Matchmaking run %s was taken over by another execution", run.pk)
        return 0
    except Exception as exc:
        logger.exception("Matchmaking run %s failed", run.pk)
        _mine(run).update(
            status=MatchmakingRun.Status.FAILED,
            message=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        return 0


def _pair_history(
    mission: Mission, firm_ids: list[int], partner_ids: list[int]
) -> dict[tuple[int, int], matchmaking.PairHistory]:
    """What the pairs' meetings at earlier missions teach (one query)."""
    rows = (
        Meeting.objects.filter(
            firm_id__in=firm_ids,
            partner_id__in=partner_ids,
            mission__start_date__lt=mission.start_date,
        )
        .exclude(mission=mission)
        .values_list(
            "firm_id",
            "partner_id",
            "mission__title",
            "mission__start_date",
            "outcome",
            "partner_interest",
            "partner_next_step",
        )
    )
    return matchmaking.pair_history(
        matchmaking.PastMeeting(firm, partner, title, start.isoformat(), outcome, interest, step)
        for firm, partner, title, start, outcome, interest, step in rows
    )


def _compute(run: MatchmakingRun) -> int:
    """Score every (participant, partner) pair and replace the mission's suggestions.

    Loads everything in five queries (with the pairs' meetings at earlier missions), scores in
    pure Python (missions.matchmaking), writes in bulk, reports progress (and a heartbeat) on
    the run row, and tells each firm its suggestions are ready. Raises _ClaimLost if the
    sweeper handed the run to another execution meanwhile.
    """
    mission = run.mission
    firms = [firm_profile(f) for f in participants(mission)]
    partners = [partner_profile(p) for p in mission_partners(mission).prefetch_related("sectors")]
    history = _pair_history(mission, [f.id for f in firms], [p.id for p in partners])
    suggestions: list[MatchSuggestion] = []
    for done, profile in enumerate(firms, start=1):
        found = matchmaking.suggest([profile], partners, history=history).get(profile.id, [])
        for suggestion in found:
            suggestions.append(
                MatchSuggestion(
                    mission=mission,
                    firm_id=suggestion.firm_id,
                    partner_id=suggestion.partner_id,
                    score=suggestion.score,
                    reasons=[[r.code, dict(r.params), r.points] for r in suggestion.reasons],
                    follow_up=suggestion.follow_up,
                )
            )
        if done % 10 == 0 or done == len(firms):
            beat = _mine(run).update(
                progress=round(100 * done / len(firms)),
                pairs=done * len(partners),
                heartbeat_at=timezone.now(),
            )
            if not beat:
                raise _ClaimLost
    with transaction.atomic():
        finished = _mine(run).update(
            status=MatchmakingRun.Status.DONE,
            progress=100,
            pairs=len(firms) * len(partners),
            finished_at=timezone.now(),
        )
        if not finished:
            raise _ClaimLost
        MatchSuggestion.objects.filter(mission=mission).delete()
        MatchSuggestion.objects.bulk_create(suggestions, batch_size=1000)
        for firm in participants(mission).prefetch_related("memberships"):
            notify_firm(
                firm=firm,
                kind=kinds.SUGGESTIONS_READY.slug,
                object_key=f"mission:{mission.pk}:firm:{firm.pk}",
                version=f"run-{run.pk}",
                context={"mission": translations(mission, "title"), "firm": firm.name},
                url=reverse("missions:b2b", args=[mission.pk]),
            )
    return len(suggestions)


def matchmaking_sweep(
    *, grace: timedelta = RUN_QUEUE_GRACE, stale: timedelta = RUN_STALE_AFTER
) -> dict[str, int]:
    """Celery beat: make every run end. Returns how many runs were re-queued and failed.

    - A run that lost its worker (running, no heartbeat for `stale`) goes back to the queue, or
      fails after MAX_RUN_ATTEMPTS claims.
    - A run queued for longer than `grace` is enqueued again (its task may have been lost with
      the broker; a duplicate task finds it claimed and returns); one queued for longer than
      RUN_QUEUE_TIMEOUT never started and fails.
    """
    now = timezone.now()
    failed = 0
    lost = MatchmakingRun.objects.filter(status=MatchmakingRun.Status.RUNNING).filter(
        Q(heartbeat_at__lt=now - stale) | Q(heartbeat_at__isnull=True, queued_at__lt=now - stale)
    )
    for run in lost.only("pk", "attempts", "heartbeat_at"):
        # Conditional on the state read: a heartbeat that lands meanwhile keeps the run alive.
        still_lost = MatchmakingRun.objects.filter(
            pk=run.pk,
            status=MatchmakingRun.Status.RUNNING,
            attempts=run.attempts,
            heartbeat_at=run.heartbeat_at,
        )
        if run.attempts >= MAX_RUN_ATTEMPTS:
            failed += still_lost.update(
                status=MatchmakingRun.Status.FAILED,
                finished_at=now,
                message=str(
                    _("Interrotto %(n)d volte: il processo di calcolo si è fermato.")
                    % {"n": run.attempts}
                ),
            )
        else:
            still_lost.update(
                status=MatchmakingRun.Status.QUEUED,
                queued_at=now,
                message=str(_("Ripreso: il processo di calcolo si era fermato.")),
            )
    never_started = MatchmakingRun.objects.filter(
        status=MatchmakingRun.Status.QUEUED, queued_at__lt=now - RUN_QUEUE_TIMEOUT
    )
    failed += never_started.update(
        status=MatchmakingRun.Status.FAILED,
        finished_at=now,
        message=str(_("Non è mai partito: la coda dei calcoli non era raggiungibile.")),
    )
    queued = list(
        MatchmakingRun.objects.filter(
            status=MatchmakingRun.Status.QUEUED, queued_at__lte=now - grace
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    requeued = 0
    for run_id in queued:
        if not enqueue(run_matchmaking_task, run_id):
            break  # the broker is still down: the next sweep tries again
        requeued += 1
    return {"requeued": requeued, "failed": failed}
