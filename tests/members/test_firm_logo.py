"""The firm logo: upload, replace and remove by the owner; checked by content, re-encoded,
stored under a server-side name; served only under the firm page's access rule."""

import io
import re
import stat
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageFile

from core import uploads
from members import services
from members.models import Firm, Membership
from tests.factories import (
    FirmFactory,
    MembershipFactory,
    StaffFactory,
    image_bytes,
    member,
    png_header_only,
    stored_files,
    upload,
)
from tests.support.clients import login

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("members:firm_logo_upload")
REMOVE_URL = reverse("members:firm_logo_remove")
ARTIST, ORIENTATION = 0x013B, 0x0112


def logo_url(firm: Firm) -> str:
    return reverse("members:firm_logo", args=[firm.pk])


def with_logo(firm: Firm, **image) -> Firm:
    return services.firm_logo_set(firm_id=firm.pk, upload=upload("logo.png", image_bytes(**image)))


# --- Upload --------------------------------------------------------------------------------------


def test_owner_uploads_a_jpeg_stored_as_a_reencoded_png_under_a_uuid_name(
    owner, owner_client, media_root
):
    photo = image_bytes("JPEG", (1200, 800), exif={ARTIST: "Zebedeo Quintavalle", ORIENTATION: 6})
    response = owner_client.post(UPLOAD_URL, {"logo": upload("Logo Segheria.JPG", photo)})

    assert response.status_code == 302
    assert response["Location"] == reverse("members:firm_edit")
    firm = Firm.objects.get(pk=owner.membership.firm_id)
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", firm.logo.name)
    assert stored_files(media_root) == [firm.logo.name]
    path = Path(media_root) / firm.logo.name
    stored = path.read_bytes()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "PNG"
    # At most 512 × 512, and turned upright by the EXIF orientation before it was dropped.
    assert image.size == (341, 512) == (firm.logo_width, firm.logo_height)
    assert not image.getexif()
    assert b"Zebedeo" not in stored
    assert "Segheria" not in firm.logo.name
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@pytest.mark.parametrize(
    ("fmt", "mode", "expected_mode"),
    [("PNG", "RGBA", "RGBA"), ("WEBP", "RGB", "RGB"), ("PNG", "L", "RGB")],
)
def test_png_webp_and_transparency_are_accepted(owner, fmt, mode, expected_mode):
    firm = services.firm_logo_set(
        firm_id=owner.membership.firm_id, upload=upload("x.bin", image_bytes(fmt, mode=mode))
    )
    with firm.logo.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
    assert (image.format, image.mode, image.size) == ("PNG", expected_mode, (64, 48))


TOO_BIG = image_bytes() + b"\0" * services.LOGO_MAX_BYTES
BAD_UPLOADS = {
    "too big": (upload("logo.png", TOO_BIG, "image/png"), "supera il limite di 2 MB"),
    "text renamed to .png": (
        upload("logo.png", b"Non sono un'immagine", "image/png"),
        "formato non accettato",
    ),
    "svg": (
        upload(
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
            "image/svg+xml",
        ),
        "formato non accettato",
    ),
    "html": (
        upload("logo.png", b"<html><script>alert(document.cookie)</script></html>", "image/png"),
        "formato non accettato",
    ),
    "gif": (upload("logo.gif", image_bytes("GIF"), "image/gif"), "formato non accettato"),
    "truncated png": (
        upload("logo.png", image_bytes(size=(400, 400))[:200], "image/png"),
        "danneggiato o incompleto",
    ),
    "truncated jpeg": (
        upload("logo.jpg", image_bytes("JPEG", (400, 400))[:700], "image/jpeg"),
        "danneggiato o incompleto",
    ),
    "30 megapixels": (
        upload("logo.png", png_header_only(6000, 5000), "image/png"),
        "al massimo 25 megapixel",
    ),
    "decompression bomb": (
        upload("logo.png", png_header_only(50_000, 50_000), "image/png"),
        "al massimo 25 megapixel",
    ),
    "empty": (upload("logo.png", b"", "image/png"), "vuoto"),
}


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_a_bad_file_is_a_form_error_and_changes_nothing(owner, owner_client, media_root, case):
    firm = with_logo(owner.membership.firm)
    before = stored_files(media_root)
    file, error = BAD_UPLOADS[case]
    file.seek(0)

    response = owner_client.post(UPLOAD_URL, {"logo": file})

    assert response.status_code == 200
    assert error in response.content.decode()
    assert 'id="id_logo_error"' in response.content.decode()
    after = Firm.objects.get(pk=firm.pk)
    assert (after.logo.name, after.logo_width, after.logo_height) == (
        firm.logo.name,
        firm.logo_width,
        firm.logo_height,
    )
    assert stored_files(media_root) == before


@pytest.mark.parametrize(
    ("language", "error"),
    [
        ("it", "«logo.png»: formato non accettato: sono ammessi solo PNG, JPEG, WebP."),
        ("en", "“logo.png”: file type not accepted: only PNG, JPEG, WebP are allowed."),
        ("de", "„logo.png“: Dateiformat nicht zulässig: erlaubt sind nur PNG, JPEG, WebP."),
    ],
)
def test_the_error_names_the_file_in_the_users_language(owner_client, language, error):
    file = upload("logo.png", b"testo", "image/png")
    response = owner_client.post(UPLOAD_URL, {"logo": file}, HTTP_ACCEPT_LANGUAGE=language)
    assert error in response.content.decode()


def test_a_file_over_the_hard_limit_is_not_kept_and_says_too_big(owner_client, media_root):
    big = image_bytes() + b"\0" * (6 * 1024 * 1024)
    response = owner_client.post(UPLOAD_URL, {"logo": upload("logo.png", big)})
    assert "supera il limite di 2 MB" in response.content.decode()
    assert stored_files(media_root) == []


def test_hard_limit_handler_drops_the_bytes_past_the_limit(settings):
    settings.UPLOAD_HARD_LIMIT = 10
    handler = uploads.HardLimitUploadHandler()
    handler.new_file("logo", "big.png", "image/png", None)
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    assert handler.receive_data_chunk(b"67890abc", 5) is None
    assert handler.receive_data_chunk(b"def", 13) is None
    file = handler.file_complete(16)
    assert isinstance(file, uploads.OversizedUpload)
    assert (file.name, file.size, file.read()) == ("big.png", 16, b"")
    with pytest.raises(uploads.FileTooLarge):
        uploads.read_upload(file, max_bytes=1000)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_images_are_refused_even_after_weasyprint_relaxed_pillow(monkeypatch, fmt):
    # Importing WeasyPrint (PDF agendas) sets this for the whole process.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    cut = image_bytes(fmt, (400, 400))[:700]
    with pytest.raises(uploads.DamagedFile):
        uploads.open_image(cut, formats=[fmt], name="x", allowed=fmt)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # put back as it was


def test_the_client_file_name_never_reaches_the_path(owner, media_root, tmp_path):
    file = upload("logo.png", image_bytes())
    file._name = "../../etc/passwd.png"  # as a hostile client could send it, unsanitised
    firm = services.firm_logo_set(firm_id=owner.membership.firm_id, upload=file)

    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", firm.logo.name)
    assert [p.name for p in tmp_path.rglob("passwd*")] == []
    assert stored_files(media_root) == [firm.logo.name]


def test_display_names_are_sanitised():
    assert uploads.display_name("../../etc/passwd.png", "png") == "passwd.png"
    assert uploads.display_name("C:\\Users\\zq\\CV.pdf", "pdf") == "CV.pdf"
    assert uploads.display_name("listino\x00\r\n\u202e.pdf", "pdf") == "listino.pdf"
    assert uploads.display_name("pagina.html", "pdf") == "pagina.html.pdf"
    assert uploads.display_name("foto.JPEG", "jpg") == "foto.jpeg"
    assert uploads.display_name("..", "pdf") == "file.pdf"
    assert len(uploads.display_name("a" * 500 + ".pdf", "pdf")) == uploads.DISPLAY_NAME_MAX


def test_a_failed_transaction_leaves_no_file(media_root):
    with pytest.raises(Firm.DoesNotExist):
        services.firm_logo_set(firm_id=0, upload=upload("logo.png", image_bytes()))
    assert stored_files(media_root) == []


# --- Replace and remove --------------------------------------------------------------------------


def test_replacing_deletes_the_old_file_after_commit(
    owner, owner_client, media_root, django_capture_on_commit_callbacks
):
    old = with_logo(owner.membership.firm).logo.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        owner_client.post(UPLOAD_URL, {"logo": upload("nuovo.png", image_bytes(size=(80, 80)))})
    new = Firm.objects.get(pk=owner.membership.firm_id).logo.name
    assert new != old
    assert stored_files(media_root) == sorted([old, new])  # the old file waits for the commit
    for callback in callbacks:
        callback()
    assert stored_files(media_root) == [new]


def test_owner_removes_the_logo(
    owner, owner_client, media_root, django_capture_on_commit_callbacks
):
    firm = with_logo(owner.membership.firm)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(REMOVE_URL)
    assert response["Location"] == reverse("members:firm_edit")
    firm.refresh_from_db()
    assert (firm.logo.name, firm.logo_width, firm.logo_height) == ("", None, None)
    assert stored_files(media_root) == []
    assert owner_client.get(logo_url(firm)).status_code == 404


def test_only_owners_upload_or_remove(media_root):
    firm = with_logo(FirmFactory())
    colleague = MembershipFactory(firm=firm, role=Membership.Role.MEMBER).user
    client = login(colleague)
    assert client.post(UPLOAD_URL, {"logo": upload("x.png", image_bytes())}).status_code == 403
    assert client.post(REMOVE_URL).status_code == 403
    assert Firm.objects.get(pk=firm.pk).logo.name == firm.logo.name
    assert Client().post(REMOVE_URL)["Location"].startswith(reverse("account_login"))
    assert login(colleague).get(UPLOAD_URL).status_code == 405


def test_edit_page_shows_the_logo_and_the_upload_form(owner, owner_client):
    page = owner_client.get(reverse("members:firm_edit")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "Nessun logo caricato." in page
    firm = with_logo(owner.membership.firm)
    page = owner_client.get(reverse("members:firm_edit")).content.decode()
    assert f'src="{firm.logo_url}"' in page
    assert "Rimuovi il logo" in page


def test_a_pending_firm_owner_is_told_the_logo_shows_after_approval():
    owner = member(status=Firm.Status.PENDING)
    with_logo(owner.membership.firm)
    page = login(owner).get(reverse("members:firm_edit")).content.decode()
    assert "quando la Camera avrà approvato l'impresa" in page
    assert "<img" not in page


# --- Serving -------------------------------------------------------------------------------------


def test_the_logo_view_sends_the_png_with_safe_headers(owner, owner_client):
    firm = with_logo(owner.membership.firm)
    response = owner_client.get(firm.logo_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=3600"
    with firm.logo.open("rb") as handle:
        assert b"".join(response.streaming_content) == handle.read()
    etag = response["ETag"]
    assert etag == f'"{Path(firm.logo.name).stem}"'
    again = owner_client.get(firm.logo_url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", 200),
        ("colleague", 200),
        ("other_firm", 200),  # an approved firm's page is open to every approved member
        ("pending_firm", reverse("my_firm")),  # like the firm page: members of approved firms
        ("staff", 200),
        ("anonymous", reverse("account_login")),
    ],
)
def test_who_sees_an_approved_firms_logo_follows_the_firm_page(who, expected):
    firm = with_logo(FirmFactory())
    users = {
        "owner": lambda: MembershipFactory(firm=firm).user,
        "colleague": lambda: MembershipFactory(firm=firm, role=Membership.Role.MEMBER).user,
        "other_firm": member,
        "pending_firm": lambda: member(status=Firm.Status.PENDING),
        "staff": StaffFactory,
        "anonymous": lambda: None,
    }
    user = users[who]()
    client = login(user) if user else Client()
    for url in (firm.logo_url, reverse("members:firm_detail", args=[firm.pk])):
        response = client.get(url)
        if expected == 200:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith(expected), url


def test_a_pending_firms_logo_is_hidden_like_its_page():
    pending = with_logo(FirmFactory(status=Firm.Status.PENDING))
    own = login(MembershipFactory(firm=pending).user)
    other = login(member())
    for url in (logo_url(pending), reverse("members:firm_detail", args=[pending.pk])):
        assert other.get(url).status_code == 404, url
        assert own.get(url)["Location"] == reverse("my_firm"), url
    assert login(StaffFactory()).get(logo_url(pending)).status_code == 200


def test_unknown_firm_or_no_logo_is_404(owner_client):
    assert owner_client.get(reverse("members:firm_logo", args=[0])).status_code == 404
    assert owner_client.get(logo_url(FirmFactory())).status_code == 404


def test_a_missing_file_is_404_not_500(owner_client, media_root):
    firm = with_logo(FirmFactory())
    (Path(media_root) / firm.logo.name).unlink()
    assert owner_client.get(logo_url(firm)).status_code == 404


def test_media_has_no_public_url(owner_client):
    # Literal paths on purpose: the point is that nothing answers under /media/.
    firm = with_logo(FirmFactory())
    assert owner_client.get(f"/media/{firm.logo.name}").status_code == 404
    assert Client().get(f"/media/{firm.logo.name}").status_code == 404


# --- Pages ----------------------------------------------------------------------------------------


def test_firm_page_and_directory_show_the_logo_with_size_and_alt(owner_client):
    firm = with_logo(FirmFactory(name="Graniti Alfa"), size=(300, 150))
    alt = 'alt="Logo di Graniti Alfa"'
    detail = owner_client.get(reverse("members:firm_detail", args=[firm.pk])).content.decode()
    assert f'src="{firm.logo_url}" width="160" height="80" {alt}' in detail
    directory = owner_client.get(reverse("members:directory")).content.decode()
    assert f'src="{firm.logo_url}" width="48" height="24" {alt}' in directory


@pytest.mark.parametrize("count", [1, 30])
def test_directory_with_logos_keeps_its_query_count(owner_client, count, django_assert_num_queries):
    url = reverse("members:directory")
    for firm in FirmFactory.create_batch(count):
        with_logo(firm)
    owner_client.get(url)
    # As in test_directory (warm fragment cache): the logo's name and size are columns of the
    # firm row.
    with django_assert_num_queries(2):
        response = owner_client.get(url)
    assert response.status_code == 200
    with_logos = [firm for firm in response.context["page"] if firm.logo]
    assert len(with_logos) >= min(count, 19)  # the owner's own firm has none
    assert response.content.decode().count('class="firm-logo"') == len(with_logos)


def test_admin_shows_the_logo_and_removes_it(staff_client, django_capture_on_commit_callbacks):
    firm = with_logo(FirmFactory())
    page = staff_client.get(reverse("admin:members_firm_change", args=[firm.pk])).content.decode()
    assert f'src="{firm.logo_url}"' in page
    assert 'name="logo"' not in page  # not editable: only the checked upload sets it
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:members_firm_changelist"),
            {"action": "remove_logos", "_selected_action": [firm.pk]},
        )
    assert not Firm.objects.get(pk=firm.pk).logo
