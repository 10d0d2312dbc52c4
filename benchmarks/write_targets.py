"""The page benchmark's writes, prepared inside Django (benchmarks/pages.py runs it through
`manage.py shell`): for each write, up to `n` POSTs that each succeed once.

Applying and requesting a meeting can be done once per firm and mission (partner), so every POST
goes out as a different firm's owner: a session is created for each (as a login would). Comments
have no such limit: the benchmark user comments the showcase post. Prints one JSON object:
{"apply": [[path, session_key, fields], ...], "meeting": [...], "comment": [...], "counts": {...}}.
"""

import json

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils import timezone
from django.utils.module_loading import import_string

from board.models import Comment, Post
from members.models import Firm, Membership, User
from missions.models import Application, MeetingRequest, Mission, MissionPartner

BENCH_EMAIL = "bench@club.example"
SHOWCASE_TITLE = "Bench: esperienza con molti commenti"


def _session(user: User) -> str:
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
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
    now = timezone.now()
    targets: list[list] = []
    missions = Mission.objects.filter(
        status=Mission.Status.PUBLISHED, registration_deadline__gte=now
    ).order_by("registration_deadline", "pk")
    for mission in missions:
        if len(targets) >= n or not mission.registration_open(now):
            continue
        applied = Application.objects.filter(mission=mission).values("firm_id")
        firm_ids = list(
            Firm.objects.filter(status=Firm.Status.APPROVED, sector__in=mission.sectors.all())
            .exclude(pk__in=applied)
            .order_by("pk")
            .values_list("pk", flat=True)[: n - len(targets)]
        )
        fields = {"delegates": "1", "note": "Bench", **_answers(mission)}
        for user in _owners(firm_ids).values():
            targets.append([f"/missioni/{mission.pk}/candidatura/", _session(user), fields])
    return targets[:n]


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
    user = User.objects.get(email=BENCH_EMAIL)
    post = Post.objects.get(title=SHOWCASE_TITLE)
    session = _session(user)
    path = f"/bacheca/{post.pk}/commenta/"
    return [[path, session, {"body": f"Bench, commento {i}"}] for i in range(n)]


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
