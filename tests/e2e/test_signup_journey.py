"""A new entrepreneur signs up, registers the firm, waits for approval and sees the directory."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from members.models import Firm, User
from members.vat import example_vat_number
from tests.factories import PASSWORD, StaffFactory, sector, totp_code
from tests.support.browser import field, log_in, path_of

EMAIL = "giulia.bianchi@esempio.it"
FIRM_NAME = "Rubinetterie Bianchi S.r.l."
# The link as the mail carries it (allauth's path; a literal: sent mails must keep working).
CONFIRM_LINK = re.compile(r"https?://[^\s\"'<>]*(/accounts/confirm-email/[^\s\"'<>]+/)")


def confirmation_path(mailoutbox) -> str:
    messages = [m for m in mailoutbox if EMAIL in m.to]
    assert len(messages) == 1, [m.subject for m in mailoutbox]
    match = CONFIRM_LINK.search(messages[0].body)
    assert match, messages[0].body
    return match.group(1)


@pytest.mark.django_db(transaction=True)
def test_new_firm_signs_up_is_approved_and_sees_the_directory(
    live_server, page: Page, new_page, shot, mailoutbox, eager_celery
):
    metalmeccanico = sector("metalmeccanico")
    metalmeccanico.name = "Metalmeccanico"
    metalmeccanico.save()
    staff = StaffFactory(email="ufficio.estero@so.camcom.it")
    vat_number = example_vat_number(4242)

    # 1. The home page invites firms to join.
    page.goto(reverse("home"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Club degli Esportatori della Valtellina"
    )
    shot(page, "home")
    page.get_by_role("main").get_by_role("link", name="Iscrivi la tua impresa").click()
    expect(page).to_have_url(path_of("account_signup"))

    # 2. Sign-up: email, name, password twice, terms.
    field(page, "Email").fill(EMAIL)
    field(page, "Nome").fill("Giulia")
    field(page, "Cognome").fill("Bianchi")
    field(page, "Password").fill(PASSWORD)
    field(page, "Password (di nuovo)").fill(PASSWORD)
    page.get_by_label(re.compile("^Accetto i termini d'uso")).check()
    shot(page, "signup-form")
    page.get_by_role("button", name="Registrati").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verifica il tuo indirizzo email")
    shot(page, "verify-your-email")
    user = User.objects.get(email=EMAIL)
    assert (user.first_name, user.last_name) == ("Giulia", "Bianchi")
    assert user.terms_accepted_at is not None
    assert not user.emailaddress_set.get(email=EMAIL).verified

    # 3. The link in the email confirms the address and logs the user in.
    page.goto(confirmation_path(mailoutbox))
    expect(page.get_by_role("heading", level=1)).to_have_text("Conferma l'indirizzo email")
    shot(page, "confirm-email")
    page.get_by_role("main").get_by_role("button", name="Conferma").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("La mia impresa")
    assert user.emailaddress_set.get(email=EMAIL).verified
    if page.get_by_role("button", name="Esci").count() == 0:  # not logged in: log in
        log_in(page, EMAIL)
    expect(page.get_by_role("button", name="Esci")).to_be_visible()
    shot(page, "email-confirmed-logged-in")

    # 4. Register the firm: an invalid partita IVA is refused, then the right one is accepted.
    page.goto(reverse("my_firm"))
    page.get_by_role("link", name="Registra l'impresa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registra l'impresa")
    field(page, "Ragione sociale").fill(FIRM_NAME)
    field(page, "Partita IVA").fill("12345678901")
    field(page, "Codice ATECO").fill("25.62.00")
    field(page, "Settore").select_option(label="Metalmeccanico")
    field(page, "Comune").select_option(label="Morbegno")
    field(page, "Prodotti e servizi").fill("Rubinetti e valvole in ottone per l'industria")
    page.get_by_role("checkbox", name="Germania").check()
    page.get_by_role("button", name="Registra l'impresa").click()
    expect(page.get_by_text("La partita IVA non è valida")).to_be_visible()
    assert not Firm.objects.exists()
    shot(page, "invalid-vat-number")

    # The other answers are kept; only the partita IVA needs correcting.
    expect(field(page, "Ragione sociale")).to_have_value(FIRM_NAME)
    expect(page.get_by_role("checkbox", name="Germania")).to_be_checked()
    field(page, "Partita IVA").fill(vat_number)
    page.get_by_role("button", name="Registra l'impresa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("La mia impresa")
    expect(page.get_by_text("Impresa registrata.")).to_be_visible()
    expect(page.get_by_role("heading", name=FIRM_NAME)).to_contain_text("In attesa di approvazione")
    firm = Firm.objects.get()
    assert firm.name == FIRM_NAME
    assert firm.vat_number == vat_number
    assert firm.status == Firm.Status.PENDING
    assert (firm.sector, firm.comune, firm.target_markets) == (metalmeccanico, "Morbegno", ["DE"])
    assert firm.memberships.get().user == user
    shot(page, "firm-pending-approval")

    # 5. The directory is for approved members only.
    page.goto(reverse("members:directory"))
    expect(page).to_have_url(path_of("my_firm"))
    expect(page.get_by_role("status")).to_contain_text("Questa sezione è riservata ai soci")
    # While pending, the menu does not offer the directory.
    expect(
        page.get_by_role("navigation").get_by_role("link", name="Imprese", exact=True)
    ).to_have_count(0)
    shot(page, "directory-reserved")

    # 6. Camera staff approve the firm in the admin (their own browser context).
    admin = new_page()
    log_in(admin, staff.email, url=reverse("admin:login"))
    # Staff have two-factor authentication: the code from their authenticator app.
    admin.locator("input[name=code]").fill(totp_code())
    admin.locator("input[name=code]").press("Enter")
    expect(admin.get_by_role("heading", name="Gestione del Club")).to_be_visible()
    admin.goto(reverse("admin:members_firm_changelist"))
    row = admin.get_by_role("row").filter(has_text=FIRM_NAME)
    expect(row).to_contain_text("In attesa di approvazione")
    row.get_by_role("checkbox").check()
    admin.locator("select[name=action]").select_option(label="Approva le imprese selezionate")
    # The action's submit button: Django 6.1's Italian catalogue leaves it "Run" (untranslated).
    admin.locator("#changelist-form button[name=index]").click()
    expect(admin.get_by_text("1 impresa approvata.")).to_be_visible()
    expect(admin.get_by_role("row").filter(has_text=FIRM_NAME)).to_contain_text("Approvata")
    firm.refresh_from_db()
    assert firm.status == Firm.Status.APPROVED
    assert firm.approved_by == staff
    shot(admin, "admin-firm-approved")

    # 7. Back as the user: the menu now offers the directory, which lists the firm.
    page.reload()
    expect(page.get_by_role("link", name="Vai all'elenco delle imprese del Club")).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="Imprese", exact=True).click()
    expect(page).to_have_url(path_of("members:directory"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Imprese del Club")
    expect(page.get_by_role("link", name=FIRM_NAME)).to_be_visible()
    shot(page, "directory-lists-the-firm")

    # 8. The bell counts one unread notification: the approval, also in the inbox.
    bell = page.get_by_role("navigation").get_by_role("link", name=re.compile("Notifiche"))
    expect(bell).to_contain_text("1")
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifiche")
    expect(page.get_by_text(f"{FIRM_NAME} è ora socia del Club degli Esportatori")).to_be_visible()
    shot(page, "inbox-with-approval")
    page.get_by_role("button", name="Apri").click()
    expect(page).to_have_url(path_of("members:directory"))
    expect(bell).not_to_contain_text("1")
    shot(page, "notification-read")
