"""Staff import German partners and their contacts from a CSV or XLSX sheet in admin: a preview
of what is created or updated, row errors in words, de-duplication by VAT number or email, and a
sheet written whole or not at all."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import User
from missions.models import Partner
from partners.models import PartnerContact, PartnerInvitation
from tests.factories import StaffFactory, city, member, sector
from tests.support.clients import login

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:missions_partner_import"
CONFIRM_URL = "admin:missions_partner_process_import"
HEADER = [
    "name",
    "kind",
    "city",
    "vat_number",
    "sectors",
    "nace_codes",
    "languages",
    "size",
    "contact_email",
    "contact_first_name",
    "contact_last_name",
    "contact_role",
]
CSV_FORMAT, XLSX_FORMAT = "0", "1"


def row(**values):
    base = {
        "name": "Naturstein Import GmbH",
        "kind": "importer",
        "city": "Köln",
        "vat_number": "",
        "sectors": "",
        "nace_codes": "",
        "languages": "",
        "size": "",
        "contact_email": "",
        "contact_first_name": "",
        "contact_last_name": "",
        "contact_role": "",
    }
    base.update(values)
    return base


def csv_file(rows, header=HEADER, name="partner.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(column, "") for column in header])
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def xlsx_file(rows, header=HEADER):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append([values.get(column, "") or None for column in header])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(
        "partner.xlsx",
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def preview(client, upload, file_format=CSV_FORMAT):
    return client.post(
        reverse(IMPORT_URL), {"import_file": upload, "format": file_format, "resource": "0"}
    )


def confirm(client, response):
    form = response.context["confirm_form"]
    assert form is not None, response.content.decode()
    return client.post(reverse(CONFIRM_URL), {**form.initial, "confirm": "1"})


def errors_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def existing():
    """A partner known by its VAT number, and one known by its contact's email."""
    by_vat = Partner.objects.create(
        name="Steinhandel Köln", kind="buyer", city=city("koeln"), vat_number="DE136695976"
    )
    by_email = Partner.objects.create(name="Marmor Berlin", kind="buyer", city=city("berlin"))
    user = User.objects.create(email="lena.vogel@marmor.de", language="de")
    PartnerContact.objects.create(user=user, partner=by_email, role="Einkauf")
    return by_vat, by_email


def test_csv_preview_counts_new_and_updated_rows_writes_nothing_then_confirm_writes(
    staff_client, existing, mailoutbox
):
    by_vat, by_email = existing
    sector("lapideo")
    rows = [
        row(name="Steinhandel Köln GmbH", vat_number="DE 136 695 976", sectors="lapideo"),
        row(
            name="Neue Stein AG",
            city="Colonia",
            kind="Distributore",
            nace_codes="23.7, 08",
            languages="de, Inglese",
            size="Piccola",
            contact_email="Jonas.Weber@neue-stein.de",
            contact_first_name="Jonas",
            contact_last_name="Weber",
            contact_role="Einkaufsleiter",
        ),
    ]

    response = preview(staff_client, csv_file(rows))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Anteprima: 1 partner nuovi, 1 aggiornati, 0 invariati; 1 referenti nuovi." in page
    assert Partner.objects.count() == 2
    assert not PartnerContact.objects.filter(user__email__iexact="jonas.weber@neue-stein.de")

    response = confirm(staff_client, response)

    assert response.status_code == 302
    by_vat.refresh_from_db()
    assert by_vat.name == "Steinhandel Köln GmbH"
    assert [s.slug for s in by_vat.sectors.all()] == ["lapideo"]
    new = Partner.objects.get(name="Neue Stein AG")
    assert (new.kind, new.city.slug, new.size) == ("distributor", "koeln", "small")
    assert (new.nace_codes, new.languages) == (["23.7", "08"], ["de", "en"])
    contact = PartnerContact.objects.get(partner=new)
    assert contact.user.email == "Jonas.Weber@neue-stein.de"
    assert (contact.user.first_name, contact.role) == ("Jonas", "Einkaufsleiter")
    assert not contact.user.has_usable_password()
    # Imported, not invited: no invitation and no email.
    assert not PartnerInvitation.objects.exists()
    assert mailoutbox == []
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "1 partner nuovi, 1 aggiornati, 0 invariati; 1 referenti nuovi" in messages[0]


def test_several_rows_with_sectors_import_without_an_n_plus_one(staff_client):
    """Each row's sectors are written without loading the partner's current sectors through the
    relation row by row (the N+1 detector refused the second row of a sheet: "Riga 3: N+1")."""
    sector("lapideo")
    sector("edilizia")
    rows = [
        row(name="Rhein Naturstein GmbH", sectors="lapideo"),
        row(name="Westfalen Stein AG", sectors="lapideo; edilizia"),
        row(name="Marmor Köln KG", sectors="edilizia"),
    ]

    response = preview(staff_client, csv_file(rows))

    page = response.content.decode()
    assert "Anteprima: 3 partner nuovi, 0 aggiornati, 0 invariati" in page, page
    assert confirm(staff_client, response).status_code == 302
    sectors = {
        partner.name: sorted(s.slug for s in partner.sectors.all())
        for partner in Partner.objects.prefetch_related("sectors")
    }
    assert sectors == {
        "Rhein Naturstein GmbH": ["lapideo"],
        "Westfalen Stein AG": ["edilizia", "lapideo"],
        "Marmor Köln KG": ["edilizia"],
    }


def test_the_preview_marks_the_changes_without_inline_styles(staff_client, existing):
    """The Content-Security-Policy refuses style attributes: the preview's changed cells are
    <ins>/<del> elements without them (import-export's default diff writes style="...")."""
    rows = [
        row(name="Steinhandel Köln GmbH", vat_number="DE136695976"),
        row(name="Neue <Stein> AG", contact_email="jonas.weber@neue-stein.de"),
    ]

    response = preview(staff_client, csv_file(rows))

    page = response.content.decode()
    assert "Anteprima: 1 partner nuovi, 1 aggiornati" in page, page
    preview_table = page[page.index('class="import-preview"') :]
    assert "style=" not in preview_table
    assert "<del>Steinhandel Köln</del><ins>Steinhandel Köln GmbH</ins>" in preview_table
    assert "<del>buyer</del><ins>importer</ins>" in preview_table
    assert "<span>DE136695976</span>" in preview_table
    assert "<ins>Neue &lt;Stein&gt; AG</ins>" in preview_table


def test_xlsx_import_through_preview_and_confirm(staff_client):
    response = preview(
        staff_client,
        xlsx_file([row(name="Kölner Stein", city="Koeln", nace_codes=23.7)]),
        XLSX_FORMAT,
    )
    assert "Anteprima: 1 partner nuovi" in response.content.decode()

    assert confirm(staff_client, response).status_code == 302

    partner = Partner.objects.get(name="Kölner Stein")
    assert (partner.city.slug, partner.nace_codes) == ("koeln", ["23.7"])


def test_a_row_without_vat_number_matches_the_partner_of_its_contacts_email(staff_client, existing):
    _by_vat, by_email = existing
    rows = [row(name="Marmor Berlin GmbH", city="", kind="", contact_email="LENA.VOGEL@marmor.de")]

    response = preview(staff_client, csv_file(rows))
    assert "0 partner nuovi, 1 aggiornati" in response.content.decode()
    confirm(staff_client, response)

    by_email.refresh_from_db()
    assert by_email.name == "Marmor Berlin GmbH"
    assert by_email.city.slug == "berlin"  # an empty cell keeps the stored value
    assert Partner.objects.count() == 2
    assert PartnerContact.objects.get().role == "Einkauf"


def test_an_unchanged_partner_is_reported_and_not_saved(staff_client, existing):
    by_vat, _ = existing
    same = row(name=by_vat.name, kind="Buyer", city="Colonia", vat_number="DE136695976")
    response = preview(staff_client, csv_file([same]))
    assert "0 partner nuovi, 0 aggiornati, 1 invariati" in response.content.decode()
    assert confirm(staff_client, response).status_code == 302
    assert Partner.objects.count() == 2


def test_two_rows_with_the_same_vat_number_or_email_are_an_error_on_the_second(staff_client):
    rows = [
        row(name="A", vat_number="DE136695976", contact_email="a@example.de"),
        row(name="B", vat_number="136695976"),
        row(name="C", contact_email="A@example.de"),
    ]

    response = preview(staff_client, csv_file(rows))

    page = errors_of(response)
    assert "Riga 3: la partita IVA DE136695976 è già nella riga 2 del foglio" in page
    assert "Riga 4: l&#x27;email a@example.de è già nella riga 2 del foglio" in page
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Partner.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"city": "Kölle"}, "Riga 2: città «Kölle» sconosciuta"),
        ({"vat_number": "DE123"}, "Riga 2: partita IVA «DE123» non valida"),
        ({"contact_email": "jonas@"}, "Riga 2: email del referente «jonas@» non valida"),
        ({"kind": "Kunde"}, "Riga 2: tipo «Kunde» sconosciuto"),
        ({"sectors": "Raumfahrt"}, "Riga 2: settore «Raumfahrt» sconosciuto"),
        ({"nace_codes": "25.62, abc"}, "Riga 2: Codici NACE non validi: abc"),
        ({"name": ""}, "Riga 2: nome mancante"),
        ({"city": ""}, "Riga 2: città mancante (obbligatoria per un nuovo partner)"),
        ({"languages": "klingonisch"}, "Riga 2: lingua «klingonisch» sconosciuta"),
        ({"size": "enorme"}, "Riga 2: dimensione «enorme» sconosciuta"),
    ],
)
def test_row_errors_are_put_into_words_and_nothing_is_written(staff_client, values, message):
    response = preview(staff_client, csv_file([row(**values)]))

    assert response.status_code == 200
    assert message in errors_of(response)
    assert response.context.get("confirm_form") is None
    assert not Partner.objects.exists()


def test_a_contact_email_of_staff_or_a_firm_user_is_refused(staff_client):
    firm_user = member()
    response = preview(staff_client, csv_file([row(contact_email=firm_user.email)]))
    assert "non può essere il referente di un partner" in errors_of(response)


def test_a_sheet_with_one_bad_row_writes_no_row_at_all(staff_client):
    rows = [row(name="Gut GmbH"), row(name="Auch Gut GmbH"), row(name="Schlecht", city="Kölle")]

    response = preview(staff_client, csv_file(rows))

    assert "Riga 4: città «Kölle» sconosciuta" in errors_of(response)
    assert response.context.get("confirm_form") is None
    assert not Partner.objects.exists()


def test_a_row_failing_at_the_confirmation_rolls_back_the_whole_sheet(staff_client):
    """The data changed between the preview and the confirmation: the confirmed import finds
    the error, writes nothing and says so."""
    rows = [row(name="Gut GmbH"), row(name="Später Schlecht", contact_email="eva@stein.de")]
    response = preview(staff_client, csv_file(rows))
    assert "2 partner nuovi" in response.content.decode()
    StaffFactory(email="eva@stein.de")  # now a staff member's address

    response = confirm(staff_client, response)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Importazione annullata: nessuna riga è stata scritta." in page
    assert "Riga 3: l&#x27;email eva@stein.de è di un membro dello staff" in page
    assert not Partner.objects.exists()


@pytest.mark.parametrize(
    ("upload", "file_format", "message"),
    [
        (SimpleUploadedFile("p.csv", b""), CSV_FORMAT, "Il file inviato è vuoto"),
        (
            SimpleUploadedFile("p.csv", b"\x89PNG\r\n\x1a\n\x00\xff\xfe binary"),
            CSV_FORMAT,
            "Il file non si legge nel formato scelto",
        ),
        (
            SimpleUploadedFile("p.xlsx", b"name,kind\nA,buyer\n"),
            XLSX_FORMAT,
            "Il file non si legge nel formato scelto",
        ),
        (
            SimpleUploadedFile("p.csv", b"nome,tipo,citta\nA,buyer,Colonia\n"),
            CSV_FORMAT,
            "Intestazione del foglio non valida (manca la colonna name; colonne sconosciute: "
            "nome, tipo, citta)",
        ),
        (
            SimpleUploadedFile("p.csv", b"name,kind,city\n"),
            CSV_FORMAT,
            "Il foglio non ha righe di dati",
        ),
        (xlsx_file([], header=["name", "kind"]), XLSX_FORMAT, "Il foglio non ha righe di dati"),
        (
            xlsx_file([{"name": "A", None: "?"}], header=["name", None]),
            XLSX_FORMAT,
            "colonne con dati ma senza nome: 2",
        ),
    ],
    ids=[
        "empty",
        "not-csv",
        "not-xlsx",
        "wrong-header",
        "header-only",
        "xlsx-header-only",
        "unnamed-column",
    ],
)
def test_a_malformed_file_gets_a_clear_message(staff_client, upload, file_format, message):
    response = preview(staff_client, upload, file_format)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context.get("confirm_form") is None
    assert not Partner.objects.exists()


def test_non_staff_and_staff_without_the_partner_permissions_are_refused():
    firm_client = login(member())
    response = firm_client.post(reverse(IMPORT_URL), {"import_file": csv_file([row()])})
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]

    viewer = StaffFactory(is_superuser=False)
    viewer.user_permissions.set(
        Permission.objects.filter(codename__in=["view_partner", "change_partner"])
    )
    viewer_client = login(User.objects.get(pk=viewer.pk))
    assert viewer_client.get(reverse(IMPORT_URL)).status_code == 403
    assert viewer_client.post(reverse(IMPORT_URL), {"format": "0"}).status_code == 403
    assert viewer_client.post(reverse(CONFIRM_URL), {"format": "0"}).status_code == 403
    changelist = viewer_client.get(reverse("admin:missions_partner_changelist"))
    assert reverse(IMPORT_URL) not in changelist.content.decode()
    assert not Partner.objects.exists()


def test_staff_with_the_permissions_see_the_import_button(staff_client):
    changelist = staff_client.get(reverse("admin:missions_partner_changelist"))
    assert reverse(IMPORT_URL) in changelist.content.decode()
    page = staff_client.get(reverse(IMPORT_URL))
    assert page.status_code == 200
    assert "contact_email" in page.content.decode()


SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


@pytest.mark.parametrize(
    ("name", "file_format"),
    [("partners-import.csv", CSV_FORMAT), ("partners-import.xlsx", XLSX_FORMAT)],
)
def test_the_sample_sheets_in_the_docs_import(staff_client, name, file_format):
    upload = SimpleUploadedFile(name, (SAMPLES / name).read_bytes())

    response = preview(staff_client, upload, file_format)
    assert "Anteprima: 2 partner nuovi, 0 aggiornati, 0 invariati; 2 referenti nuovi." in (
        response.content.decode()
    )
    assert confirm(staff_client, response).status_code == 302

    rhein = Partner.objects.get(vat_number="DE812345673")
    assert (rhein.name, rhein.kind, rhein.city.slug) == (
        "Rheinstein Handels GmbH",
        "importer",
        "koeln",
    )
    assert rhein.website == "https://www.rheinstein.example"
    assert [s.slug for s in rhein.sectors.all()] == ["lapideo"]
    ruhr = Partner.objects.get(vat_number="DE293456780")
    assert (ruhr.kind, ruhr.size, ruhr.nace_codes) == ("manufacturer", "medium", ["25.62", "28.41"])
    emails = set(PartnerContact.objects.values_list("user__email", flat=True))
    assert emails == {"m.becker@rheinstein.example", "t.krause@ruhr-maschinenbau.example"}


def test_the_two_samples_hold_the_same_rows():
    with (SAMPLES / "partners-import.csv").open(encoding="utf-8") as sample:
        csv_rows = list(csv.reader(sample))
    sheet = openpyxl.load_workbook(SAMPLES / "partners-import.xlsx").active
    xlsx_rows = [
        ["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)
    ]
    assert xlsx_rows == csv_rows


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        (
            {"import_file_name": "gone", "original_file_name": "p.csv", "format": "0"},
            "Il file dell&#x27;anteprima non è più disponibile: caricalo di nuovo.",
        ),
        (
            {"import_file_name": "x", "original_file_name": "p.csv", "format": "9"},
            "Conferma non valida: carica di nuovo il foglio.",
        ),
        ({"format": "0"}, "Conferma non valida: carica di nuovo il foglio."),
    ],
    ids=["expired-upload", "unknown-format", "missing-fields"],
)
def test_a_confirmation_without_its_upload_sends_back_to_the_upload(staff_client, posted, message):
    response = staff_client.post(reverse(CONFIRM_URL), {**posted, "resource": "0"}, follow=True)

    assert response.redirect_chain == [(reverse(IMPORT_URL), 302)]
    assert message in response.content.decode()
    assert not Partner.objects.exists()


def test_header_names_are_not_case_sensitive_and_blank_rows_are_skipped(staff_client):
    upload = SimpleUploadedFile(
        "p.csv",
        "Name,KIND,City,Website\n,,,\nNord Stein,buyer,Leipzig,nordstein.example\n,,,\n"
        "Süd Stein,buyer,Lipsia,x\n".encode(),
    )

    response = preview(staff_client, upload)
    assert "Riga 5: sito web «x» non valido" in response.content.decode()

    upload = SimpleUploadedFile(
        "p.csv", b"Name,KIND,City,Website\n,,,\nNord Stein,buyer,Leipzig,nordstein.example\n,,,\n"
    )
    response = preview(staff_client, upload)
    assert "1 partner nuovi, 0 aggiornati, 0 invariati" in response.content.decode()
    confirm(staff_client, response)

    partner = Partner.objects.get()
    assert (partner.city.slug, partner.website) == ("leipzig", "https://nordstein.example")


def test_a_vat_number_and_an_email_of_two_different_partners_are_an_error(staff_client, existing):
    rows = [row(name="X", vat_number="DE136695976", contact_email="lena.vogel@marmor.de")]

    response = preview(staff_client, csv_file(rows))

    assert (
        "Riga 2: la partita IVA DE136695976 è di «Steinhandel Köln», ma l&#x27;email "
        "lena.vogel@marmor.de è del referente di «Marmor Berlin»"
    ) in response.content.decode()
    assert response.context.get("confirm_form") is None


def test_an_unexpected_failure_of_a_row_is_shown_with_its_line_and_nothing_is_written(
    staff_client, monkeypatch
):
    def fail(*, partner, sectors):
        raise RuntimeError("disco pieno")

    monkeypatch.setattr("partners.imports.partner_import_save", fail)

    response = preview(staff_client, csv_file([row(name="A"), row(name="B")]))

    page = response.content.decode()
    assert "Riga 2: errore imprevisto (disco pieno)" in page
    assert "Riga 3: errore imprevisto (disco pieno)" in page
    assert response.context.get("confirm_form") is None
    assert not Partner.objects.exists()


def test_each_row_costs_a_fixed_number_of_queries(staff_client):
    """The preview and the confirmation cost at most 19 queries per row (the row's savepoint, its
    matching, the partner and its sectors, the contact's account and whether a firm invitation
    awaits that address), whatever the sheet's size."""
    counts = []
    for size in (2, 4, 8):
        rows = [
            row(name=f"P{i}", contact_email=f"c{i}-{size}@stein.de", sectors="Metalmeccanico")
            for i in range(size)
        ]
        with CaptureQueriesContext(connection) as previewed:
            response = preview(staff_client, csv_file(rows))
        with CaptureQueriesContext(connection) as confirmed:
            assert confirm(staff_client, response).status_code == 302
        counts.append((len(previewed), len(confirmed)))

    (p2, c2), (p4, c4), (p8, c8) = counts
    per_row = [(p4 - p2) / 2, (p8 - p4) / 4, (c4 - c2) / 2, (c8 - c4) / 4]
    assert max(per_row) <= 19, counts


def test_a_file_just_over_the_size_limit_is_refused_before_it_is_read(staff_client):
    """A sheet one byte over MAX_FILE_BYTES (one valid row, then blank lines) gets the size
    message, no preview and no parse of its rows."""
    from partners.imports import MAX_FILE_BYTES

    content = csv_file([row(name="Zu Gross GmbH")]).read()
    content += b"\n" * (MAX_FILE_BYTES + 1 - len(content))
    upload = SimpleUploadedFile("partner.csv", content, content_type="text/csv")
    assert upload.size == MAX_FILE_BYTES + 1
    response = preview(staff_client, upload)
    assert response.status_code == 200
    assert "Il file supera 2 MB: dividilo in più fogli." in errors_of(response)
    assert response.context.get("confirm_form") is None
    assert "Zu Gross GmbH" not in errors_of(response)
    assert not Partner.objects.exists()
