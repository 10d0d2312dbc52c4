"""The writes of German partner organisations outside the admin form: the one place that
validates and saves a partner and its sectors (staff's import from a sheet, partners/imports.py)
and that creates a new partner on a mission (a co-organiser's, partners/co_organisers.py)."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError

from members.models import Sector
from missions.models import MissionPartner, Partner
from missions.services import locking
from missions.services.errors import PartnerInvalid


def vat_number_key(value: str) -> str:
    """The form in which two VAT numbers are compared: python-stdnum's compact form, with the DE
    prefix of a bare USt-IdNr (as the partner profile form stores it). Empty stays empty."""
    text = re.sub(r"[^0-9A-Za-z]", "", value or "").upper()
    if not text:
        return ""
    try:
        compact = str(eu_vat.compact(text)).upper()
    except StdnumError:  # an unknown country prefix: compared as written, without separators
        compact = text
    if compact[:1].isdigit():
        compact = "DE" + compact
    return compact


def partners_by_vat_number() -> dict[str, list[int]]:
    """{VAT number key: ids of the partners with it}: the import's de-duplication looks up here
    rather than filtering on the stored text, which older rows may hold with spaces or dots."""
    found: dict[str, list[int]] = {}
    rows = Partner.objects.exclude(vat_number="").order_by("pk").values_list("pk", "vat_number")
    for pk, vat_number in rows:
        found.setdefault(vat_number_key(vat_number), []).append(pk)
    return found


def partner_import_save(*, partner: Partner, sectors: list[Sector] | None) -> Partner:
    """Create or update `partner` as staff's import (or partner_create) set it, and replace its
    sectors unless `sectors` is None. The caller validated the values (full_clean raises
    ValidationError if not); the caller's transaction decides whether the whole sheet is
    written."""
    with transaction.atomic():
        partner.full_clean()
        partner.save()
        if sectors is not None:
            # The through rows directly: one sheet sets the sectors of many partners, and the
            # related manager's set() would load each partner's current sectors row by row.
            through = Partner.sectors.through
            wanted = {sector.pk for sector in sectors}
            rows = through.objects.filter(partner_id=partner.pk)
            rows.exclude(sector_id__in=wanted).delete()
            present = set(rows.values_list("sector_id", flat=True))
            through.objects.bulk_create(
                [through(partner_id=partner.pk, sector_id=pk) for pk in sorted(wanted - present)]
            )
    return partner


def partner_create(
    *, mission_id: int, fields: dict[str, Any], sectors: list[Sector] | None = None
) -> Partner:
    """A new partner organisation (its model fields in `fields`), with its place on the mission
    (MissionPartner). Wrong values raise PartnerInvalid with the field errors, and nothing is
    written.

    Takes the mission lock, as every change of a mission's partners does, so a scheduler run
    never sees half of it; a caller that writes more in the same change (the co-organisers'
    link) opens the transaction around this call."""
    with transaction.atomic():
        locking.lock_mission(mission_id)
        partner = Partner(**fields)
        try:
            partner_import_save(partner=partner, sectors=sectors)
        except ValidationError as error:
            raise PartnerInvalid(error.message_dict) from None
        MissionPartner.objects.create(mission_id=mission_id, partner=partner)
    return partner
