"""The page benchmark's writes, prepared inside Django (benchmarks/pages.py runs it through
`manage.py shell`): for each write, up to `n` POSTs that each succeed once.

Applying and requesting a meeting can be done once per firm and mission (partner), so every POST
goes out as a different firm's owner: a session is created for each (as a login would). The
applications are spread over the open missions, the ones with most free seats first, in turn
(each mission's lock is taken by one POST at a time, not by all of them). Comments have no such
limit: as many members, the benchmark user first, comment the showcase post and a few others in
turn. Prints one JSON object:
{"apply": [[path, session_key, fields], ...], "meeting": [...], "comment": [...], "counts": {...}}.
"""

import json

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from board.models import Comment, Post
from members.models import Firm, Membership, User
from missions.models import Application, MeetingRequest, Mission, MissionPartner

BENCH_EMAIL = "bench@club.example"
SHOWCASE_TITLE = "Bench: esperienza con molti commenti"
COMMENT_POSTS = 4  # the posts commented on


def _session(user: User) -> str:
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    # The first of the portal's backends, as a login records it (Django ignores a session
    # whose backend is not one of them: the POST would be answered with the login page).
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def _answers(mission: Mission) -> dict[str, str]:
    fields = {}
    for question in mission.questions.all():
        if question.kind == "yesno":
            fields[f"q_{question.pk}"] = "sì"
        elif question.kind == "choice":
            fields[f"q_{question.pk}"] = question.choice_list()[0]
        else:
            fields[f"q_{question.pk}"] = "Bench"
    return fields


def _owners(firm_ids: list[int]) -> dict[int, User]:
    rows = Membership.objects.filter(firm_id__in=firm_ids, role=Membership.Role.OWNER)
    return {m.firm_id: m.user for m in rows.select_related("user")}


def apply_targets(n: int) -> list[list]:
    """Up to `n` applications, dealt in turn over the missions open for registration, those
    with the most free seats first: each POST locks its own mission, as firms applying to
    different missions do, rather than all of them queueing on one lock."""
    now = timezone.now()
    missions = [
        m
        for m in Mission.objects.filter(
            status=Mission.Status.PUBLISHED, registration_deadline__gte=now
        ).annotate(
            held=Count("applications", filter=Q(applications__status__in=Application.HOLDS_SEAT))
        )
        if m.registration_open(now)
    ]
    missions.sort(key=lambda m: (-(m.seats - m.held), m.pk))
    queues: list[list[list]] = []
    for mission in missions:
        applied = Application.objects.filter(mission=mission).values("firm_id")
        firm_ids = list(
            Firm.objects.filter(status=Firm.Status.APPROVED, sector__in=mission.sectors.all())
            .exclude(pk__in=applied)
            .order_by("pk")
            .values_list("pk", flat=True)[:n]
        )
        fields = {"delegates": "1", "note": "Bench", **_answers(mission)}
        path = f"/missioni/{mission.pk}/candidatura/"
        queues.append([[path, user, fields] for user in _owners(firm_ids).values()])
    targets: list[list] = []
    while len(targets) < n and any(queues):
        for queue in queues:
            if queue and len(targets) < n:
                targets.append(queue.pop(0))
    # Sessions only for the POSTs sent (a session each, as each owner's login would).
    return [[path, _session(user), fields] for path, user, fields in targets]


def meeting_targets(n: int) -> list[list]:
    targets: list[list] = []
    confirmed = (
        Application.objects.filter(
            status=Application.Status.CONFIRMED,
            mission__status__in=[Mission.Status.PUBLISHED, Mission.Status.CLOSED],
        )
        .select_related("mission")
        .order_by("mission_id", "firm_id")
    )
    partners: dict[int, list[int]] = {}
    for mp in MissionPartner.objects.order_by("mission_id", "partner_id"):
        partners.setdefault(mp.mission_id, []).append(mp.partner_id)
    chosen: list[tuple[Application, int]] = []
    for application in confirmed.iterator():
        if len(chosen) >= n:
            break
        mission = application.mission
        requested = set(
            MeetingRequest.objects.filter(mission=mission, firm_id=application.firm_id).values_list(
                "partner_id", flat=True
            )
        )
        if len(requested) >= mission.meeting_requests_per_firm:
            continue
        free = [p for p in partners.get(mission.pk, []) if p not in requested]
        if free:
            chosen.append((application, free[0]))
    owners = _owners([a.firm_id for a, _ in chosen])
    for application, partner_id in chosen:
        user = owners.get(application.firm_id)
        if user is not None:
            fields = {"partner": str(partner_id), "priority": "3", "reason": "Bench"}
            path = f"/missioni/{application.mission_id}/incontri/richiedi/"
            targets.append([path, _session(user), fields])
    return targets


def comment_targets(n: int) -> list[list]:
    """`n` comments by as many members of approved firms (the benchmark user first), dealt in
    turn over a few posts: the showcase post and the newest open ones."""
    showcase = Post.objects.get(title=SHOWCASE_TITLE)
    others = (
        Post.objects.filter(is_hidden=False, is_locked=False, deleted_at__isnull=True)
        .exclude(pk=showcase.pk)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[: COMMENT_POSTS - 1]
    )
    paths = [f"/bacheca/{pk}/commenta/" for pk in [showcase.pk, *others]]
    bench = User.objects.get(email=BENCH_EMAIL)
    members = (
        User.objects.filter(
            is_active=True, membership__firm__status=Firm.Status.APPROVED, is_staff=False
        )
        .exclude(pk=bench.pk)
        .order_by("pk")[: n - 1]
    )
    authors = [bench, *members]
    return [
        [
            paths[i % len(paths)],
            _session(authors[i % len(authors)]),
            {"body": f"Bench, commento {i}"},
        ]
        for i in range(n)
    ]


def counts() -> dict[str, int]:
    return {
        "apply": Application.objects.count(),
        "meeting": MeetingRequest.objects.count(),
        "comment": Comment.objects.count(),
    }


def main(n: int) -> None:
    print(
        json.dumps(
            {
                "apply": apply_targets(n),
                "meeting": meeting_targets(n),
                "comment": comment_targets(n),
                "counts": counts(),
            }
        )
    )


def print_counts() -> None:
    print(json.dumps(counts()))
