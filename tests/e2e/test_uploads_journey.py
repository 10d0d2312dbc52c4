"""An owner uploads the firm's logo (a fake image is refused first); a member attaches a PDF to
a question, and another member finds the logo in the directory and downloads the PDF."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Page, expect

from board.models import Attachment
from members.models import Firm
from tests.factories import member
from tests.support.browser import field, log_in, main_nav

OWNER_FIRM = "Marmi e Graniti Sondalo S.r.l."
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 400), (31, 94, 140)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True)
def test_logo_and_attachment_upload_and_download(
    live_server, page: Page, new_page, shot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    owner = member(name=OWNER_FIRM)
    reader = member(name="Salumificio Valtellina S.r.l.")

    # The owner first picks a text file named like a PNG: refused, nothing stored.
    log_in(page, owner.email)
    page.goto(reverse("members:firm_edit"))
    logo = field(page, "Nuovo logo")
    logo.set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": b"not an image"}]
    )
    page.get_by_role("button", name="Carica il logo").click()
    expect(page.get_by_role("main")).to_contain_text("PNG")
    shot(page, "fake-logo-refused")
    assert not Firm.objects.get(name=OWNER_FIRM).logo

    # A real PNG: shown on the edit page, reduced to 512 px at most.
    field(page, "Nuovo logo").set_input_files(
        files=[{"name": "../../logo aziendale.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_role("button", name="Carica il logo").click()
    img = page.get_by_role("img", name=f"Logo di {OWNER_FIRM}")
    expect(img).to_be_visible()
    assert img.evaluate("i => i.complete && i.naturalWidth") == 512
    stored = Firm.objects.get(name=OWNER_FIRM).logo.name
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", stored)
    shot(page, "logo-uploaded")

    # The owner asks a question with a PDF attached.
    page.goto(reverse("board:create") + "?tipo=question")
    field(page, "Titolo").fill("Modulo doganale per i campioni")
    field(page, "Testo").fill("Allego il modulo che usiamo: va bene anche per la Germania?")
    field(page, "Allegati (facoltativo)").set_input_files(
        files=[{"name": "modulo campioni.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Pubblica").click()
    expect(page.get_by_role("status")).to_contain_text("Pubblicato.")
    expect(page.get_by_role("link", name="modulo campioni.pdf")).to_be_visible()
    shot(page, "question-with-attachment")
    assert Attachment.objects.get().original_name == "modulo campioni.pdf"

    # Another member sees the logo in the directory and downloads the file.
    other = new_page()
    log_in(other, reader.email)
    main_nav(other).get_by_role("link", name="Imprese").click()
    directory_logo = other.get_by_role("img", name=f"Logo di {OWNER_FIRM}")
    expect(directory_logo).to_be_visible()
    directory_logo.scroll_into_view_if_needed()  # loading="lazy"
    other.wait_for_function(
        "i => i.complete && i.naturalWidth > 0", arg=directory_logo.element_handle()
    )
    shot(other, "directory-with-logo")
    main_nav(other).get_by_role("link", name="Bacheca").click()
    other.get_by_role("link", name="Modulo doganale per i campioni").click()
    with other.expect_download() as download_info:
        other.get_by_role("link", name="modulo campioni.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "modulo campioni.pdf"
    with open(download.path(), "rb") as downloaded:
        assert downloaded.read() == PDF
    shot(other, "post-with-attachment")
