"""Staff's writes of German partner organisations outside the admin form (the import from a
sheet, partners/imports.py): one place that validates and saves a partner and its sectors."""

import re

from django.db import transaction
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError

from members.models import Sector
from missions.models import Partner


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
    """Create or update `partner` as staff's import set it, and replace its sectors unless
    `sectors` is None. The caller validated the values (full_clean raises ValidationError if
    not); the caller's transaction decides whether the whole sheet is written."""
    with transaction.atomic():
        partner.full_clean()
        partner.save()
        if sectors is not None:
            # The current sectors are read from the link table, not through the relation: a
            # sheet saves many partners, and `sectors.set()` would load each one's sectors
            # row by row (an N+1). add()/remove() still send m2m_changed.
            wanted = {sector.pk for sector in sectors}
            current = set(
                Partner.sectors.through.objects.filter(partner_id=partner.pk).values_list(
                    "sector_id", flat=True
                )
            )
            if current - wanted:
                partner.sectors.remove(*(current - wanted))
            if wanted - current:
                partner.sectors.add(*(wanted - current))
    return partner
