"""Demo check-ups (seed_demo): the demo firms at different stages.

- Graniti Val Masino (the newcomer): none, so the demo shows a first check-up from the start.
- Pietre di Chiavenna: one, completed seven months ago, so the re-check-up is suggested.
- Officine Meccaniche Adda (the mentor): two, fourteen and two months ago, so the result shows
  the change and the previous outline on the radar.

Answers are chosen by a level per dimension (0 = the weakest option, 1 = the best), so each
firm's profile looks like its story. Idempotent: a firm that has a check-up is left alone.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from checkup import services
from checkup.models import CheckUp, Questionnaire
from members.models import Firm

# firm name -> [(days ago, {dimension code: level 0..1}), ...], oldest first
PROFILES: dict[str, list[tuple[int, dict[str, float]]]] = {
    "Pietre di Chiavenna S.n.c.": [
        (
            213,
            {
                "organisation": 0.3,
                "product": 0.6,
                "pricing": 0.2,
                "languages": 0.0,
                "digital": 0.3,
                "finance": 0.4,
                "market": 0.2,
                "experience": 0.3,
            },
        ),
    ],
    "Officine Meccaniche Adda S.r.l.": [
        (
            425,
            {
                "organisation": 0.5,
                "product": 0.7,
                "pricing": 0.5,
                "languages": 0.5,
                "digital": 0.3,
                "finance": 0.6,
                "market": 0.4,
                "experience": 0.6,
            },
        ),
        (
            61,
            {
                "organisation": 1.0,
                "product": 1.0,
                "pricing": 0.8,
                "languages": 0.9,
                "digital": 0.5,
                "finance": 0.8,
                "market": 0.9,
                "experience": 1.0,
            },
        ),
    ],
}


def seed() -> int:
    """Create the demo check-ups; returns how many were created."""
    questionnaire = Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED).first()
    if questionnaire is None:
        return 0
    created = 0
    now = timezone.now()
    for name, stages in PROFILES.items():
        firm = Firm.objects.filter(name=name).first()
        if firm is None or CheckUp.objects.filter(firm=firm).exists():
            continue
        owner = firm.memberships.filter(role="owner").select_related("user").first()
        for days_ago, levels in stages:
            with transaction.atomic():
                checkup = services.checkup_start(firm=firm, user=owner.user if owner else None)
                for dim in questionnaire.dimensions.prefetch_related("questions__options"):
                    choices = {}
                    for question in dim.questions.all():
                        options = sorted(question.options.all(), key=lambda o: o.points)
                        pick = round(levels.get(dim.code, 0) * (len(options) - 1))
                        choices[question.pk] = options[pick].pk
                    services.checkup_answer(
                        checkup_id=checkup.pk, dimension_id=dim.pk, choices=choices
                    )
                when = now - timedelta(days=days_ago)
                services.checkup_complete(checkup_id=checkup.pk, at=when)
                CheckUp.objects.filter(pk=checkup.pk).update(
                    started_at=when - timedelta(minutes=12)
                )
            created += 1
    return created
