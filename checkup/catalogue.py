"""Every write of the personal path's catalogues (Camera services and training, funding
instruments): saving and publishing an item, and telling the firms it matches.

Invariants:
- Only a published item is suggested or notified, and only while it is open (a deadline passed
  or a course over: the path does not show it, so nobody is told); `published_at` is set here
  only (the admin's "Pubblica" action), never by a form.
- Saving a published item (admin's save, or publishing it) tells the firms whose latest check-up
  has a gap the item addresses, after commit, from a Celery task: never inside the request.
  The notification's key is (person, kind, item, version 1), so saving it again sends nobody a
  second message; a firm that matches only after a later edit is told then.
"""

from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation

from checkup import notification_kinds as kinds
from checkup.models import CameraService, CheckUp, Dimension, FundingInstrument
from checkup.path import open_funding, open_services
from checkup.path_tasks import notify_catalogue_item as notify_catalogue_item_task
from checkup.scoring import find_gaps
from core.tasks import enqueue
from core.translated import TRANSLATIONS_KEY, translations
from members.models import Firm, Membership
from members.recipients import notify_firm

CatalogueItem = CameraService | FundingInstrument
MODELS: dict[str, type[CameraService] | type[FundingInstrument]] = {
    "service": CameraService,
    "funding": FundingInstrument,
}


def _label(item: CatalogueItem) -> str:
    return "service" if isinstance(item, CameraService) else "funding"


def catalogue_item_save(*, item: CatalogueItem) -> CatalogueItem:
    """Save an item staff edited; a published one tells its matching firms after commit.

    For a funding instrument, the caller saves its sectors in the same transaction (the admin
    does, after this): the task runs after commit, so it reads them."""
    with transaction.atomic():
        item.save()
        if item.published_at is not None:
            _notify_on_commit(item)
    return item


def catalogue_item_publish(*, label: str, item_id: int) -> CatalogueItem:
    """Publish an item (suggested from now on) and tell its matching firms after commit.
    Publishing a published item changes nothing and sends nothing new."""
    with transaction.atomic():
        item = MODELS[label].objects.select_for_update().get(pk=item_id)
        if item.published_at is None:
            item.published_at = timezone.now()
            item.save(update_fields=["published_at"])
        _notify_on_commit(item)
    return item


def _notify_on_commit(item: CatalogueItem) -> None:
    transaction.on_commit(partial(enqueue, notify_catalogue_item_task, _label(item), item.pk))


def catalogue_item_notify(*, label: str, item_id: int) -> int:
    """Tell the people of every firm whose latest completed check-up has a gap the item
    addresses (and, for a funding instrument naming sectors, of those sectors), if the item is
    still open (as the path shows it: checkup.path.open_services/open_funding). Idempotent:
    one notification per person and item. Returns the number of firms told."""
    model = MODELS[label]
    still_open = (open_services if model is CameraService else open_funding)(timezone.localdate())
    item = model.objects.filter(still_open, pk=item_id, published_at__isnull=False).first()
    if item is None:
        return 0  # deleted or withdrawn meanwhile, or already closed: the path does not show it
    sector_ids: set[int] | None = None
    if isinstance(item, FundingInstrument):
        sector_ids = set(item.sectors.values_list("pk", flat=True)) or None
    firms = [
        firm
        for firm in matching_firms(codes=item.dimension_codes)
        if sector_ids is None or firm.sector_id in sector_ids
    ]
    title = translations(item, "title" if isinstance(item, CameraService) else "name")
    what = _kind_texts(item)
    with transaction.atomic():
        for firm in firms:
            notify_firm(
                firm=firm,
                kind=kinds.PATH_NEW_ITEM.slug,
                object_key=f"checkup.{label}:{item.pk}",
                context={"title": title, "what": what},
                url=reverse("my_firm"),
                owners_only=True,  # the check-up and its path are the owners' (checkup/views.py)
            )
    return len(firms)


def _kind_texts(item: CatalogueItem) -> dict[str, dict[str, str]]:
    texts = {}
    for language in settings.MODELTRANSLATION_LANGUAGES:
        with translation.override(language):
            if isinstance(item, CameraService):
                texts[language] = str(item.get_kind_display())
            else:
                texts[language] = f"{translation.gettext('finanziamento')}, {item.provider}"
    return {TRANSLATIONS_KEY: texts}


def matching_firms(*, codes: Iterable[str]) -> list[Firm]:
    """The firms whose latest completed check-up has a gap among `codes` (gaps as the result
    page ranks them: checkup/scoring.find_gaps on the stored scores), with their people
    prefetched for the fan-out. Three queries whatever the number of firms."""
    wanted = set(codes)
    if not wanted:
        return []
    latest = list(
        CheckUp.objects.filter(completed_at__isnull=False, firm__status=Firm.Status.APPROVED)
        .order_by("firm_id", "-completed_at", "-pk")
        .distinct("firm_id")
        .select_related("firm")
        .prefetch_related(Prefetch("firm__memberships", queryset=Membership.objects.order_by("pk")))
    )
    dims: dict[int, list[Dimension]] = {}
    for dim in Dimension.objects.filter(
        questionnaire_id__in={c.questionnaire_id for c in latest}
    ).order_by("order", "pk"):
        dims.setdefault(dim.questionnaire_id, []).append(dim)
    firms = []
    for checkup in latest:
        version = dims.get(checkup.questionnaire_id, [])
        gaps = find_gaps(
            {d.code: checkup.scores.get(d.code) for d in version},
            {d.code: float(d.weight) for d in version},
        )
        if any(gap.code in wanted for gap in gaps):
            firms.append(checkup.firm)
    return firms
