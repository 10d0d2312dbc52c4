"""Uploaded files: size limits, checks by content, server-side names, deletion after commit.

Shared by the firm logo (members) and the board's attachments. The rules:
- the type is decided by the bytes, never by the file name or the browser's content type;
- images are decoded by Pillow (only the plugins we accept), checked against a pixel limit
  (decompression bombs) and re-encoded into a fresh image, so EXIF/metadata and anything
  appended to the file (polyglots) are dropped;
- the stored name is `<folder>/<uuid4 hex>.<ext>`: the client's file name never reaches a path;
  it is kept, sanitised, only as display metadata;
- files are written before the database transaction and removed again if it fails; old files
  are deleted only after the transaction that stopped using them commits.

Files are served only by views that check access (members:firm_logo, board:attachment):
MEDIA_ROOT has no public URL.
"""

import io
import logging
import threading
import unicodedata
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from core.errors import DomainError

logger = logging.getLogger(__name__)

MAX_PIXELS = 25_000_000  # 25 megapixels: a ~100 MB RGBA bitmap in memory, at most
DISPLAY_NAME_MAX = 120

# Pillow format name -> (content type, extension).
IMAGE_TYPES = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "WEBP": ("image/webp", "webp"),
}
PDF_TYPE = ("application/pdf", "pdf")


# --- Domain errors -------------------------------------------------------------------------------


class UploadRejected(DomainError):
    """A file we do not store. `str()` is the message for the person, naming the file."""

    message = _("Il file non può essere caricato.")

    def __init__(self, name: str = "", **params: object) -> None:
        super().__init__(name)
        self.name = name
        self.params = params

    def __str__(self) -> str:
        text = str(self.message) % self.params if self.params else str(self.message)
        if not self.name:
            return text
        return str(_("«%(name)s»: %(error)s")) % {"name": self.name, "error": text}


class FileTooLarge(UploadRejected):
    message = _("il file supera il limite di %(limit)s.")


class UnsupportedFileType(UploadRejected):
    message = _("formato non accettato: sono ammessi solo %(allowed)s.")


class ImageTooLarge(UploadRejected):
    message = _("l'immagine è troppo grande: al massimo %(megapixels)s megapixel.")


class DamagedFile(UploadRejected):
    message = _("il file è danneggiato o incompleto.")


# --- Checks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    """Bytes that passed the checks, ready to store, with what we know about them."""

    data: bytes
    content_type: str
    extension: str
    display_name: str

    @property
    def size(self) -> int:
        return len(self.data)


def clean_name(raw: str | None) -> str:
    """The last path component of a client's file name, without control or format characters,
    whitespace collapsed, at most DISPLAY_NAME_MAX characters. For display only."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    return " ".join(name.split()).strip(" .")[:DISPLAY_NAME_MAX]


def display_name(raw: str | None, extension: str) -> str:
    """The client's file name made safe to show and to offer as a download name.

    clean_name(), ending in the extension of the real type: a PDF sent as "x.html" is offered
    as "x.html.pdf". Never used to build a path.
    """
    name = clean_name(raw)
    suffix = PurePath(name).suffix
    given = suffix.lower().lstrip(".")
    if suffix and (given == extension or (extension == "jpg" and given == "jpeg")):
        stem, extension = name[: -len(suffix)], given
    else:
        stem = name
    stem = stem.strip(" .")[: DISPLAY_NAME_MAX - len(extension) - 1] or "file"
    return f"{stem}.{extension}"


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def read_upload(upload: "UploadedFile[bytes]", *, max_bytes: int) -> bytes:
    """The upload's bytes, or FileTooLarge. Reads at most max_bytes + 1 bytes."""
    name = clean_name(upload.name)
    oversized = isinstance(upload, OversizedUpload)  # past the hard limit: bytes not kept
    if oversized or (upload.size is not None and upload.size > max_bytes):
        raise FileTooLarge(name, limit=megabytes(max_bytes))
    upload.seek(0)
    data: bytes = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileTooLarge(name, limit=megabytes(max_bytes))
    if not data:
        raise DamagedFile(name)
    return data


_strict_lock = threading.Lock()


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Pillow refuses truncated files while we decode an upload.

    WeasyPrint (the PDF agendas) sets the process-wide ImageFile.LOAD_TRUNCATED_IMAGES = True
    when imported, after which Pillow would pad a cut-off upload with grey and accept it. The
    lock keeps two uploads in threads from restoring each other's value halfway.
    """
    with _strict_lock:
        saved = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved


def open_image(
    data: bytes, *, formats: list[str], name: str, allowed: str, max_pixels: int = MAX_PIXELS
) -> Image.Image:
    """Decode `data` as one of `formats` (Pillow names), fully, or raise UploadRejected.

    Pillow only tries the plugins in `formats`, so SVG, HTML, text renamed to .png and the
    like are unidentified. The pixel count is checked from the header, before any decoding;
    Pillow's own bomb check is turned into an error too. verify() checks the structure, then
    the file is reopened (verify leaves it unusable) and decoded completely, which catches
    truncated files. `allowed` names the accepted types in the error message.
    """
    try:
        with _strict_decoding(), warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=formats) as probe:
                if probe.width * probe.height > max_pixels:
                    raise ImageTooLarge(name, megapixels=max_pixels // 1_000_000)
                probe.verify()
            image = Image.open(io.BytesIO(data), formats=formats)
            if image.format not in formats:  # belt and braces: the allow-list decides
                raise UnsupportedFileType(name, allowed=allowed)
            image.load()
    except UploadRejected:
        raise
    except UnidentifiedImageError:
        raise UnsupportedFileType(name, allowed=allowed) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooLarge(name, megapixels=max_pixels // 1_000_000) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
        # Pillow's ways of saying "broken": truncated data, bad chunk CRCs, bad headers.
        raise DamagedFile(name) from None
    return image


def reencode_image(
    image: Image.Image, *, format: str, name: str, max_size: tuple[int, int] | None = None
) -> tuple[bytes, tuple[int, int]]:
    """A fresh image with the same pixels, saved as `format`: no EXIF, ICC, text chunks,
    comments or trailing bytes survive. The EXIF orientation is applied first, so photos
    do not turn sideways once their EXIF is gone. `max_size` shrinks (never enlarges).
    Returns the bytes and the (width, height) of the stored image."""
    try:
        image = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, TypeError, KeyError):
        pass  # broken EXIF: keep the pixels as they are (the EXIF is dropped anyway)
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    mode = "RGBA" if has_alpha and format != "JPEG" else "RGB"
    try:
        image = image.convert(mode)
        if max_size:
            image.thumbnail(max_size, Image.Resampling.LANCZOS)
        # A new image from the raw pixels: nothing of the original's info/EXIF comes along.
        clean = Image.frombytes(mode, image.size, image.tobytes())
        out = io.BytesIO()
        if format == "JPEG":
            clean.save(out, format="JPEG", quality=90)
        elif format == "WEBP":
            clean.save(out, format="WEBP", lossless=True)
        else:
            clean.save(out, format="PNG")  # no optimize: it costs seconds on big images
    except (OSError, ValueError) as exc:  # e.g. a pixel mode Pillow cannot convert
        raise DamagedFile(name) from exc
    return out.getvalue(), clean.size


def is_pdf(data: bytes) -> bool:
    """A PDF header at the start and an end-of-file marker in the last kilobyte."""
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]


# --- Storage -------------------------------------------------------------------------------------


def upload_folders() -> list[str]:
    """The storage folders the portal's uploads live in: the first folder of every FileField's
    `upload_to` (e.g. logos, attachments). The orphan purge and the backup look only there, so
    files another tool or instance keeps in the same bucket or folder are never touched."""
    folders: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:  # history models copy them as text columns
            if not isinstance(field, models.FileField):
                continue
            upload_to = field.upload_to
            top = upload_to.strip("/").split("/")[0] if isinstance(upload_to, str) else ""
            if not top or "%" in top:
                raise ImproperlyConfigured(
                    f"{model._meta.label}.{field.name}: upload_to must start with a fixed folder."
                )
            folders.add(top)
    return sorted(folders)


def is_missing_file(exc: BaseException) -> bool:
    """Whether `exc` says a stored file is not there (any more): FileNotFoundError on local disk,
    botocore's ClientError with a 404 / NoSuchKey code through django-storages' S3 backend."""
    if isinstance(exc, FileNotFoundError):
        return True
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return False
    error = response.get("Error") or {}
    return str(error.get("Code", "")) in {"404", "NoSuchKey", "NotFound"}


def store(*, folder: str, extension: str, data: bytes) -> str:
    """Write `data` under a new random name in `folder`; return the stored name.

    Called outside database transactions (file I/O, style rule 7); the caller deletes the file
    again if its transaction fails.
    """
    name = f"{folder}/{uuid.uuid4().hex}.{extension}"
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:  # a uuid4 collision would make the storage pick another name
        default_storage.delete(saved)
        raise RuntimeError(f"storage renamed {name} to {saved}")
    return saved


def delete_quietly(name: str) -> None:
    """Remove a stored file; a file already gone is not an error."""
    if not name:
        return
    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("could not delete the stored file %s", name, exc_info=True)


def delete_on_commit(*names: str) -> None:
    """Delete stored files once the current transaction commits (never if it rolls back)."""
    for name in names:
        if name:
            transaction.on_commit(partial(delete_quietly, name))


# --- Request parsing -----------------------------------------------------------------------------

if TYPE_CHECKING:
    _UploadedBytes = UploadedFile[bytes]
else:  # Django's UploadedFile is generic only in django-stubs
    _UploadedBytes = UploadedFile


class OversizedUpload(_UploadedBytes):
    """Stands for a file that passed UPLOAD_HARD_LIMIT: its size is known, its bytes
    were not kept. The services' size check then rejects it with the usual message."""

    def __init__(self, name: str | None, size: int, content_type: str | None) -> None:
        super().__init__(io.BytesIO(), name, content_type, size)


class HardLimitUploadHandler(FileUploadHandler):
    """First upload handler: stops keeping a file's bytes beyond UPLOAD_HARD_LIMIT.

    Without it Django spools any upload, whatever its size, to a temporary file before a
    view can look at it. Past the limit the chunks are dropped (returning None stops the
    later handlers from seeing them) and the file becomes an OversizedUpload. The reverse
    proxy should still cap the request body (README, "Uploads").
    """

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.oversized = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.oversized or start + len(raw_data) > settings.UPLOAD_HARD_LIMIT:
            self.oversized = True
            return None
        return raw_data

    def file_complete(self, file_size: int) -> "UploadedFile[bytes] | None":
        if self.oversized:
            return OversizedUpload(self.file_name, file_size, self.content_type)
        return None
