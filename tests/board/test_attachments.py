"""Attachments of board posts: PDF, PNG, JPEG checked by content, at most 3 per post and 5 MB
each, stored under server-side names, downloadable by whoever may see the post."""

import io
import re
import stat
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from PIL import Image

from board import services
from board.models import Attachment, ModerationAction, Post
from members.models import Firm
from tests.factories import (
    StaffFactory,
    image_bytes,
    member,
    pdf_bytes,
    png_header_only,
    stored_files,
    upload,
)
from tests.support.clients import login

pytestmark = pytest.mark.django_db

ARTIST = 0x013B


def post_with(author, *files, title="Listino per la fiera") -> Post:
    return services.post_create(
        author=author, kind="question", title=title, body="Vedi allegati", tags=[], files=files
    )


def publish(client: Client, *files, title="Domanda con allegati"):
    return client.post(
        reverse("board:create"),
        {"title": title, "body": "Testo", "kind": "question", "files": files},
    )


def edit(client: Client, post: Post, *files, title="Titolo nuovo"):
    return client.post(
        reverse("board:edit", args=[post.pk]),
        {"title": title, "body": "Testo nuovo", "files": files},
    )


# --- Publishing ----------------------------------------------------------------------------------


def test_a_post_with_a_pdf_a_png_and_a_jpeg(owner, owner_client, media_root):
    photo = image_bytes("JPEG", (800, 600), exif={ARTIST: "Zebedeo Quintavalle"})
    response = publish(
        owner_client,
        upload("Listino 2027.pdf", pdf_bytes(), "application/pdf"),
        upload("schema.png", image_bytes(), "image/png"),
        upload("../../foto stand.JPEG", photo, "image/jpeg"),
    )

    post = Post.objects.get()
    assert response["Location"] == reverse("board:detail", args=[post.pk])
    rows = list(post.attachments.all())
    assert [(a.original_name, a.content_type) for a in rows] == [
        ("Listino 2027.pdf", "application/pdf"),
        ("schema.png", "image/png"),
        ("foto stand.jpeg", "image/jpeg"),
    ]
    for attachment, ext in zip(rows, ["pdf", "png", "jpg"], strict=True):
        assert re.fullmatch(rf"attachments/[0-9a-f]{{32}}\.{ext}", attachment.file.name)
        path = Path(media_root) / attachment.file.name
        assert attachment.size == path.stat().st_size
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
        assert attachment.uploaded_by == owner
    assert (Path(media_root) / rows[0].file.name).read_bytes() == pdf_bytes()
    jpeg = (Path(media_root) / rows[2].file.name).read_bytes()
    assert Image.open(io.BytesIO(jpeg)).size == (800, 600)
    assert not Image.open(io.BytesIO(jpeg)).getexif()
    assert b"Zebedeo" not in jpeg
    assert sorted(stored_files(media_root)) == sorted(a.file.name for a in rows)


def test_the_post_page_lists_the_attachments_with_type_and_size(owner_client, owner):
    post = post_with(owner, upload("Listino.pdf", pdf_bytes("x" * 2000)))
    page = owner_client.get(reverse("board:detail", args=[post.pk])).content.decode()
    attachment = post.attachments.get()
    download = reverse("board:attachment", args=[post.pk, attachment.pk])
    assert f'<a href="{download}">Listino.pdf</a>' in page
    assert "(PDF, 2,0\xa0KB)" in page  # filesizeformat, Italian decimal comma


@pytest.mark.parametrize("count", [1, 3])
def test_post_page_queries_do_not_grow_with_attachments(owner, count, django_assert_num_queries):
    post = post_with(owner, *[upload(f"f{n}.pdf", pdf_bytes()) for n in range(count)])
    client = login(member())
    client.get(reverse("board:detail", args=[post.pk]))
    # user, membership, bell, post (whether followed and with files), tags, attachments (one
    # query, only for a post with files), comments with their replies (test_board pins 6 for a
    # post without files)
    with django_assert_num_queries(4):
        response = client.get(reverse("board:detail", args=[post.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert [body.count(a.get_absolute_url()) for a in post.attachments.all()] == [1] * count


TOO_BIG = pdf_bytes() + b"0" * services.ATTACHMENT_MAX_BYTES
BAD_FILES = {
    "too big": (upload("grande.pdf", TOO_BIG, "application/pdf"), "supera il limite di 5 MB"),
    "text renamed to .png": (
        upload("foto.png", b"Solo testo", "image/png"),
        "formato non accettato: sono ammessi solo PDF, PNG, JPEG",
    ),
    "svg": (
        upload("disegno.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        "formato non accettato",
    ),
    "html": (upload("pagina.html", b"<!doctype html><script>alert(1)</script>"), "non accettato"),
    "webp": (upload("foto.webp", image_bytes("WEBP")), "formato non accettato"),
    "truncated png": (
        upload("foto.png", image_bytes(size=(500, 500))[:150], "image/png"),
        "danneggiato o incompleto",
    ),
    "truncated pdf": (upload("doc.pdf", pdf_bytes()[:40]), "danneggiato o incompleto"),
    "image bomb": (upload("bomba.png", png_header_only(60_000, 60_000)), "25 megapixel"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_publishes_nothing_and_stores_nothing(owner_client, media_root, case):
    file, error = BAD_FILES[case]
    file.seek(0)
    good = upload("buono.pdf", pdf_bytes())
    response = publish(owner_client, good, file)

    assert response.status_code == 200
    body = response.content.decode()
    assert error in body
    assert 'id="id_files_error"' in body
    assert not Post.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_on_edit_saves_nothing(owner, owner_client, media_root, case):
    post = post_with(owner, upload("primo.pdf", pdf_bytes()), title="Titolo vecchio")
    before = stored_files(media_root)
    file, error = BAD_FILES[case]
    file.seek(0)

    response = edit(owner_client, post, file)

    assert error in response.content.decode()
    post.refresh_from_db()
    assert post.title == "Titolo vecchio"
    assert post.attachments.count() == 1
    assert stored_files(media_root) == before


def test_at_most_three_attachments_per_post(owner, owner_client, media_root):
    four = [upload(f"f{n}.pdf", pdf_bytes()) for n in range(4)]
    response = publish(owner_client, *four)
    assert "Un post può avere al massimo 3 allegati." in response.content.decode()
    assert not Post.objects.exists()
    assert stored_files(media_root) == []

    post = post_with(owner, *[upload(f"f{n}.pdf", pdf_bytes()) for n in range(2)])
    assert edit(owner_client, post, upload("terzo.pdf", pdf_bytes())).status_code == 302
    before = stored_files(media_root)
    response = edit(owner_client, post, upload("quarto.pdf", pdf_bytes()), title="Altro")
    assert "Un post può avere al massimo 3 allegati." in response.content.decode()
    assert post.attachments.count() == 3
    assert Post.objects.get().title == "Titolo nuovo"
    assert stored_files(media_root) == before


def test_the_limit_is_checked_again_under_the_lock(owner, media_root):
    post = post_with(owner, *[upload(f"f{n}.pdf", pdf_bytes()) for n in range(2)])
    stored = services._store_attachments([upload(f"g{n}.pdf", pdf_bytes()) for n in range(2)])
    # Two files stored by a request that passed the early check before another one attached.
    with pytest.raises(services.TooManyAttachments):
        services._attach(post, stored, owner)
    assert post.attachments.count() == 2


def test_a_file_over_the_hard_limit_is_refused_as_too_big(owner_client, media_root):
    big = pdf_bytes() + b"0" * (7 * 1024 * 1024)
    response = publish(owner_client, upload("enorme.pdf", big))
    assert "supera il limite di 5 MB" in response.content.decode()
    assert stored_files(media_root) == []


def test_edit_page_lists_attachments_and_the_author_removes_one(
    owner, owner_client, media_root, django_capture_on_commit_callbacks
):
    post = post_with(owner, upload("a.pdf", pdf_bytes()), upload("b.pdf", pdf_bytes()))
    first, second = post.attachments.all()
    page = owner_client.get(reverse("board:edit", args=[post.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "Questo post ha già 2 allegati." in page
    assert "Rimuovi «a.pdf»" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("board:attachment_remove", args=[post.pk, first.pk]))

    assert response["Location"] == reverse("board:edit", args=[post.pk])
    assert list(post.attachments.all()) == [second]
    assert stored_files(media_root) == [second.file.name]


def test_only_the_author_removes_an_attachment(owner, media_root):
    post = post_with(owner, upload("a.pdf", pdf_bytes()))
    attachment = post.attachments.get()
    url = reverse("board:attachment_remove", args=[post.pk, attachment.pk])
    assert login(member()).post(url).status_code == 404
    assert login(StaffFactory()).post(url).status_code == 404
    other_post = post_with(owner, title="Altro")
    wrong_post = reverse("board:attachment_remove", args=[other_post.pk, attachment.pk])
    assert login(owner).post(wrong_post).status_code == 404
    assert Attachment.objects.count() == 1
    assert len(stored_files(media_root)) == 1


def test_deleting_the_post_keeps_its_files_for_staff_only(
    owner, owner_client, staff_client, media_root, django_capture_on_commit_callbacks
):
    # Issue 14: an author's deletion leaves a tombstone, files included (moderation evidence);
    # staff purging a post in the admin deletes the files (the next test).
    post = post_with(owner, upload("a.pdf", pdf_bytes()), upload("b.png", image_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("board:delete", args=[post.pk]), {"confirm": "yes"})
    assert len(stored_files(media_root)) == 2
    download = reverse("board:attachment", args=[post.pk, post.attachments.first().pk])
    assert owner_client.get(download).status_code == 404
    assert login(member()).get(download).status_code == 404
    assert staff_client.get(download).status_code == 200


def test_staff_deleting_posts_in_the_admin_deletes_their_files(
    owner, staff_client, media_root, django_capture_on_commit_callbacks
):
    post = post_with(owner, upload("a.pdf", pdf_bytes()))
    # The admin looks up the content type of the post and of each inline row one by one; on a
    # cold cache (once per process in production) an N+1 detector would count Django's own
    # cache fill as one, so the cache is filled first.
    ContentType.objects.get_for_models(Post, Attachment, ModerationAction)
    page = staff_client.get(reverse("admin:board_post_change", args=[post.pk])).content.decode()
    attachment = post.attachments.get()
    download = reverse("board:attachment", args=[post.pk, attachment.pk])
    assert f'href="{download}">a.pdf</a>' in page
    assert 'name="attachments-0-original_name"' not in page  # read-only inline
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:board_post_changelist"),
            {"action": "delete_selected", "_selected_action": [post.pk], "post": "yes"},
        )
    assert not Post.objects.exists()
    assert stored_files(media_root) == []


# --- Downloading ---------------------------------------------------------------------------------


def test_a_member_downloads_with_safe_headers(owner):
    post = post_with(owner, upload('Listino «2027» "finale".pdf', pdf_bytes()))
    attachment = post.attachments.get()
    response = login(member()).get(reverse("board:attachment", args=[post.pk, attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; ")
    disposition = response["Content-Disposition"]
    assert "filename*=utf-8''Listino%20%C2%AB2027%C2%BB%20%22finale%22.pdf" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, no-store"


def test_an_image_downloads_as_its_reencoded_type(owner, owner_client):
    post = post_with(owner, upload("foto.png", image_bytes(), "text/html"))
    attachment = post.attachments.get()
    response = owner_client.get(attachment.get_absolute_url())
    assert response["Content-Type"] == "image/png"
    assert 'filename="foto.png"' in response["Content-Disposition"]


def test_hidden_posts_files_are_for_the_author_and_staff_only(owner):
    post = post_with(owner, upload("a.pdf", pdf_bytes()))
    url = post.attachments.get().get_absolute_url()
    services.moderate(moderator=StaffFactory(), action="hide", reason="spam", posts=[post])

    assert login(member()).get(url).status_code == 404
    assert login(owner).get(url).status_code == 200
    assert login(StaffFactory()).get(url).status_code == 200


def test_anonymous_pending_and_wrong_post_are_refused(owner):
    post = post_with(owner, upload("a.pdf", pdf_bytes()))
    attachment = post.attachments.get()
    url = attachment.get_absolute_url()
    assert Client().get(url)["Location"].startswith(reverse("account_login"))
    assert login(member(status=Firm.Status.PENDING)).get(url)["Location"] == reverse("my_firm")
    other_post = post_with(owner, title="Altro")
    wrong_post = reverse("board:attachment", args=[other_post.pk, attachment.pk])
    assert login(owner).get(wrong_post).status_code == 404
    assert login(owner).post(url).status_code == 405


def test_a_missing_file_is_404(owner, owner_client, media_root):
    post = post_with(owner, upload("a.pdf", pdf_bytes()))
    attachment = post.attachments.get()
    (Path(media_root) / attachment.file.name).unlink()
    assert owner_client.get(attachment.get_absolute_url()).status_code == 404
