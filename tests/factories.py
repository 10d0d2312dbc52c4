import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from members.models import Firm, Membership, Sector, User
from members.vat import example_vat_number
from missions.models import Application, City, Mission, ProgrammeItem

PASSWORD = "test-pass-Valtellina-1"  # noqa: S105


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.it")
    first_name = factory.Faker("first_name", locale="it_IT")
    last_name = factory.Faker("last_name", locale="it_IT")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        # Users can only log in with a verified address (mandatory verification).
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


# A fixed TOTP secret for staff in tests: staff must have two-factor authentication active.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"  # noqa: S105


def totp_code() -> str:
    """The current code of TOTP_SECRET, as an authenticator app would show it."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            from allauth.mfa.totp.internal.auth import TOTP

            TOTP.activate(obj, TOTP_SECRET)


def sector(slug: str = "metalmeccanico") -> Sector:
    """The sectors come from a data migration; transactional tests flush them, so recreate."""
    return Sector.objects.get_or_create(slug=slug, defaults={"name": slug.capitalize()})[0]


class FirmFactory(DjangoModelFactory):
    class Meta:
        model = Firm

    name = factory.Sequence(lambda n: f"Impresa Valtellinese {n} S.r.l.")
    vat_number = factory.Sequence(lambda n: example_vat_number(5000 + n))
    ateco_code = "25.62.00"
    sector = factory.LazyFunction(sector)
    comune = "Sondrio"
    status = Firm.Status.APPROVED
    products = "Componenti meccanici di precisione"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    firm = factory.SubFactory(FirmFactory)
    role = Membership.Role.OWNER


def member(**firm_kwargs) -> User:
    """A user who owns a firm (approved unless status= says otherwise)."""
    return MembershipFactory(firm=FirmFactory(**firm_kwargs)).user


# --- Missions -------------------------------------------------------------------------------------

_CITIES = {
    "koeln": ("Colonia", "Köln", "DE", "Europe/Berlin"),
    "dortmund": ("Dortmund", "Dortmund", "DE", "Europe/Berlin"),
    "leipzig": ("Lipsia", "Leipzig", "DE", "Europe/Berlin"),
    "berlin": ("Berlino", "Berlin", "DE", "Europe/Berlin"),
    "sondrio": ("Sondrio", "Sondrio", "IT", "Europe/Rome"),
}


def city(slug: str = "koeln") -> City:
    """Cities come from a data migration; transactional tests flush them, so recreate."""
    name, local, country, tz = _CITIES[slug]
    return City.objects.get_or_create(
        slug=slug,
        defaults={"name": name, "local_name": local, "country": country, "time_zone": tz},
    )[0]


class MissionFactory(DjangoModelFactory):
    class Meta:
        model = Mission
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Missione {n} a Colonia")
    start_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=40))
    end_date = factory.LazyAttribute(lambda m: m.start_date + dt.timedelta(days=2))
    seats = 10
    max_delegates = 2
    registration_deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=20))
    status = Mission.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def sectors(obj, create, extracted, **kwargs):
        if create:
            obj.sectors.set(extracted or [sector("metalmeccanico")])


class ProgrammeItemFactory(DjangoModelFactory):
    class Meta:
        model = ProgrammeItem

    mission = factory.SubFactory(MissionFactory)
    city = factory.LazyFunction(city)
    kind = ProgrammeItem.Kind.B2B
    title = "Sessione B2B"
    starts_at = factory.LazyAttribute(
        lambda i: dt.datetime.combine(i.mission.start_date, dt.time(10), tzinfo=i.city.tz)
    )
    ends_at = factory.LazyAttribute(lambda i: i.starts_at + dt.timedelta(hours=6))


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    mission = factory.SubFactory(MissionFactory)
    firm = factory.SubFactory(FirmFactory)
    status = Application.Status.CONFIRMED
    delegates = 1


# --- Uploaded files -------------------------------------------------------------------------------


def image_bytes(
    fmt: str = "PNG", size: tuple[int, int] = (64, 48), mode: str = "RGB", exif: dict | None = None
) -> bytes:
    """A small real image; `exif` ({tag: value}) is written into JPEG/WebP/PNG metadata."""
    import io

    from PIL import Image

    colour = {"RGB": (200, 30, 30), "RGBA": (200, 30, 30, 128), "L": 200}.get(mode, 1)
    image = Image.new(mode, size, colour)
    options = {}
    if exif:
        data = Image.Exif()
        for tag, value in exif.items():
            data[tag] = value
        options["exif"] = data.tobytes()
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims `width` × `height` pixels in a few bytes: a decompression bomb's header."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def pdf_bytes(text: str = "Listino prezzi") -> bytes:
    """A minimal PDF: header, one object, end-of-file marker."""
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% "
        + text.encode()
        + b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    """A file as the browser sends it (name and content type are the client's claims)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(media_root) -> list[str]:
    """Every file under MEDIA_ROOT, as paths relative to it."""
    from pathlib import Path

    root = Path(media_root)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
