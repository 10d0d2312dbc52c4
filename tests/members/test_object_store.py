"""Media in an S3-compatible object store (django-storages), against a real moto server.

Several web nodes share uploads only through such a store: a logo uploaded through the firm form
lands in the bucket, not on the node's disk, and the access-checking view streams it back.
"""

import subprocess
import sys

import pytest
from django.urls import reverse

from club import settings as club_settings
from members.models import Firm
from tests.factories import image_bytes, member, pdf_bytes, stored_files, upload
from tests.support.clients import login
from tools import objectstore

pytestmark = pytest.mark.django_db

BUCKET = "club-media-test"


@pytest.fixture(scope="module")
def s3_server():
    server = objectstore.start()
    server.create_bucket(BUCKET)
    yield server
    server.stop()


@pytest.fixture
def s3_media(s3_server, settings, monkeypatch):
    """The settings' own choice of storage, made with the bucket's variables set."""
    for name, value in s3_server.env(BUCKET).items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": club_settings.media_storage()}
    return s3_server


def test_a_logo_uploaded_through_the_firm_form_is_stored_in_the_bucket_and_served_back(
    s3_media, owner, owner_client, media_root
):
    response = owner_client.post(
        reverse("members:firm_logo_upload"), {"logo": upload("logo.png", image_bytes())}
    )

    assert response.status_code == 302
    firm = Firm.objects.get(pk=owner.membership.firm_id)
    keys = [o["Key"] for o in s3_media.client().list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert firm.logo.name in keys
    assert stored_files(media_root) == []  # nothing on this node's disk
    stored = s3_media.client().get_object(Bucket=BUCKET, Key=firm.logo.name)["Body"].read()
    assert stored.startswith(b"\x89PNG")

    served = owner_client.get(reverse("members:firm_logo", args=[firm.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == stored


def test_a_logo_missing_from_the_bucket_is_404_not_500(s3_media, owner, owner_client):
    owner_client.post(
        reverse("members:firm_logo_upload"), {"logo": upload("logo.png", image_bytes())}
    )
    firm = Firm.objects.get(pk=owner.membership.firm_id)
    s3_media.client().delete_object(Bucket=BUCKET, Key=firm.logo.name)

    assert owner_client.get(reverse("members:firm_logo", args=[firm.pk])).status_code == 404


def test_a_board_attachment_is_stored_in_the_bucket_and_downloaded_back(
    s3_media, owner, owner_client, media_root
):
    from board.models import Attachment

    response = owner_client.post(
        reverse("board:create"),
        {
            "title": "Listino per la fiera",
            "body": "Vedi allegato",
            "kind": "question",
            "files": [upload("listino.pdf", pdf_bytes())],
        },
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    stored = s3_media.client().get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read()
    assert stored == pdf_bytes()
    assert stored_files(media_root) == []
    download = login(member()).get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()


@pytest.mark.parametrize(
    ("bucket", "backend"),
    [
        ("", "django.core.files.storage.FileSystemStorage"),
        ("club-media", "storages.backends.s3.S3Storage"),
    ],
)
def test_local_disk_is_the_default_and_a_bucket_switches_to_the_object_store(bucket, backend):
    code = "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    env = {
        "DJANGO_SETTINGS_MODULE": "club.settings",
        "DEBUG": "true",
        "DATABASE_URL": "postgres://x@127.0.0.1:9/x",
        "AWS_STORAGE_BUCKET_NAME": bucket,
    }
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == backend
