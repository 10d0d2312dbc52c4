"""Staff import the sample sheet of German partners in admin: the file's format is recognised,
the preview shows what will be created, the confirmation writes it (no CSP violation)."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from missions.models import Partner
from partners.models import PartnerContact
from tests.factories import StaffFactory, city, sector
from tests.support.browser import log_in_staff, path_of

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "partners-import.xlsx"


@pytest.mark.django_db(transaction=True)
def test_staff_import_the_sample_sheet_with_a_preview(live_server, page: Page, shot):
    # The sample's cities and sectors (data migrations; a transactional test before this one
    # may have flushed them).
    city("koeln"), city("dortmund"), sector("lapideo"), sector("metalmeccanico")
    staff = StaffFactory()
    log_in_staff(page, staff.email)

    page.goto(reverse("admin:missions_partner_changelist"))
    page.locator(f"a[href='{reverse('admin:missions_partner_import')}']").click()
    expect(page).to_have_url(path_of("admin:missions_partner_import"))
    page.locator("input[name=import_file]").set_input_files(SAMPLE)
    # import-export's script picks the format from the file's extension.
    expect(page.locator("select[name=format] option:checked")).to_have_text("xlsx")
    shot(page, "upload")
    page.locator("#content form input[type=submit]").click()

    expect(page.locator(".import-summary")).to_contain_text("2 partner nuovi")
    expect(page.locator("table.import-preview")).to_contain_text("Rheinstein Handels GmbH")
    shot(page, "preview")
    assert not Partner.objects.exists()

    page.locator("input[name=confirm]").click()
    expect(page).to_have_url(path_of("admin:missions_partner_changelist"))
    expect(page.locator(".messagelist")).to_contain_text("2 partner nuovi")
    shot(page, "imported")
    assert set(Partner.objects.values_list("name", flat=True)) == {
        "Rheinstein Handels GmbH",
        "Ruhr Maschinenbau AG",
    }
    assert PartnerContact.objects.count() == 2
