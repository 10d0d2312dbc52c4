"""Demo data for `make run`: idempotent, so it can run at every start.

Each app adds its own part in a `seed_<app>` function called from here (missions, board, ...).
"""

import datetime
import time
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from members.models import Firm, Membership, Sector, User
from members.vat import example_vat_number

DEMO_PASSWORD = "club-demo-2026"  # noqa: S105 - published demo password, local data only
# Staff must use two-factor authentication; the demo staff account has this published secret,
# and `manage.py seed_demo --totp` prints its current code.
DEMO_TOTP_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CT"  # noqa: S105

# (email, first, last, staff)
ACCOUNTS = [
    ("staff@club.example", "Chiara", "Bianchi", True),
    ("mentore@club.example", "Marco", "Fognini", False),
    ("nuova@club.example", "Giulia", "Gianoli", False),
    ("attesa@club.example", "Luca", "Pedrotti", False),
]
ACCOUNT_ROLES = {
    "staff@club.example": "Camera staff (Django admin)",
    "mentore@club.example": "owner of a mentor firm (Officine Meccaniche Adda)",
    "nuova@club.example": "owner of a newcomer firm (Graniti Val Masino)",
    "attesa@club.example": "owner of a firm awaiting approval (Salumificio Alta Valle)",
}

# name, serial, sector slug, comune, ateco, employees, export share, mentor, markets, langs,
# products, approved, owner email
FIRMS = [
    (
        "Officine Meccaniche Adda S.r.l.",
        1201,
        "metalmeccanico",
        "Morbegno",
        "25.62.00",
        "10-49",
        50,
        True,
        ["DE", "CH", "AT"],
        ["it", "de", "en"],
        "Lavorazioni meccaniche di precisione CNC, componenti per macchine agricole e impianti.",
        True,
        "mentore@club.example",
    ),
    (
        "Graniti Val Masino S.r.l.",
        1202,
        "lapideo",
        "Val Masino",
        "23.70.00",
        "10-49",
        0,
        False,
        ["DE"],
        ["it"],
        "Serizzo e granito per rivestimenti, pavimentazioni e arredo urbano.",
        True,
        "nuova@club.example",
    ),
    (
        "Salumificio Alta Valle S.r.l.",
        1203,
        "agroalimentare",
        "Grosio",
        "10.13.00",
        "10-49",
        10,
        False,
        ["DE", "AT"],
        ["it", "en"],
        "Bresaola della Valtellina IGP, slinzega e violino.",
        False,
        "attesa@club.example",
    ),
    (
        "Carpenterie Tellina S.p.A.",
        1204,
        "metalmeccanico",
        "Sondrio",
        "25.11.00",
        "50-249",
        25,
        True,
        ["DE", "FR"],
        ["it", "de"],
        "Strutture in acciaio e carpenteria metallica pesante.",
        True,
        None,
    ),
    (
        "Pietre di Chiavenna S.n.c.",
        1205,
        "lapideo",
        "Chiavenna",
        "23.70.00",
        "1-9",
        0,
        False,
        [],
        ["it"],
        "Pietra ollare lavorata e beola per edilizia.",
        True,
        None,
    ),
    (
        "Cantina Terrazze Retiche S.r.l.",
        1206,
        "agroalimentare",
        "Teglio",
        "11.02.10",
        "1-9",
        25,
        True,
        ["DE", "CH", "US"],
        ["it", "de", "en"],
        "Valtellina Superiore DOCG e Sforzato.",
        True,
        None,
    ),
    (
        "Meleti di Ponte Soc. Agr.",
        1207,
        "agroalimentare",
        "Ponte in Valtellina",
        "01.24.00",
        "10-49",
        0,
        False,
        ["DE"],
        ["it"],
        "Mele di Valtellina IGP, succhi e sidro.",
        True,
        None,
    ),
    (
        "Minuterie Valchiavenna S.r.l.",
        1208,
        "metalmeccanico",
        "Prata Camportaccio",
        "25.94.00",
        "10-49",
        10,
        False,
        ["DE", "CH"],
        ["it"],
        "Viteria, minuteria tornita e stampaggio a freddo.",
        True,
        None,
    ),
]


class Command(BaseCommand):
    help = "Load the demo data (idempotent). --accounts prints the demo accounts only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--accounts", action="store_true", help="print the demo accounts")
        parser.add_argument(
            "--totp", action="store_true", help="print the demo staff's current 2FA code"
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="date the demo missions are planned from, YYYY-MM-DD (default: today)",
        )

    def handle(
        self, *args: Any, accounts: bool = False, totp: bool = False, **options: Any
    ) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with published passwords and a published TOTP secret: "
                "it runs only with DEBUG=true (a development or try-out instance), never in "
                "production."
            )
        if totp:
            from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

            self.stdout.write(
                format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))
            )
            return
        if accounts:
            self.stdout.write(f"  Demo accounts (password: {DEMO_PASSWORD}):")
            for email, *_ in ACCOUNTS:
                self.stdout.write(f"    {email:24} {ACCOUNT_ROLES[email]}")
            self.stdout.write(
                f"  Staff two-factor code: `make totp` (or add secret {DEMO_TOTP_SECRET} to an "
                "authenticator app)."
            )
            self._partner_link()
            self._mission_day()
            return
        with transaction.atomic():
            users = seed_users()
            seed_firms(users)
            seed_notifications()
            from missions import demo as missions_demo

            missions_demo.seed(today=options.get("today"))
            missions_demo.seed_b2b()
            missions_demo.seed_past(today=options.get("today"))
            from board import demo as board_demo

            board_demo.seed()
            from partners import demo as partners_demo

            partners_demo.seed()
            partners_demo.seed_co_organiser(password=DEMO_PASSWORD)
            from checkup import demo as checkup_demo

            checkup_demo.seed()
            from checkup import path_demo

            path_demo.seed(today=options.get("today"))
            from missionday import demo as missionday_demo

            missionday_demo.seed(today=options.get("today"))
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self._mission_day()

    def _mission_day(self) -> None:
        """The pages of the mission happening today (missionday/demo.py)."""
        from missionday import demo as missionday_demo

        pages = missionday_demo.urls()
        if pages:
            self.stdout.write(f"  Mission day today ({missionday_demo.DEMO_MISSION}):")
        for what, path in pages:
            self.stdout.write(f"    {what:40} {settings.SITE_URL}{path}")

    def _partner_link(self) -> None:
        """A fresh sign-in link for the demo German partner (links are single-use and stored
        hashed, so each call makes a new one)."""
        from partners import demo as partners_demo
        from partners import services as partners_services

        contact = partners_demo.demo_contact()
        if contact is None:
            self.stdout.write("  German partner: run seed_demo first.")
            return
        url = partners_services.sign_in_link_issue(contact_id=contact.pk)
        self.stdout.write(
            f"  German partner {contact.user.email} ({contact.partner.name}), no password; "
            f"sign-in link (single use, {settings.PARTNER_LINK_VALID_HOURS} h):"
        )
        self.stdout.write(f"    {url}")
        member = partners_demo.demo_co_member()
        if member is not None:
            self.stdout.write(
                f"  Co-organiser {member.user.email} ({member.co_organiser.name}), "
                f"password {DEMO_PASSWORD}: manages its own partners at "
                f"{settings.SITE_URL}{reverse('partners:co_home')}"
            )


def seed_users() -> dict[str, User]:
    users = {}
    for email, first, last, staff in ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "is_staff": staff,
                "is_superuser": staff,
                "terms_accepted_at": timezone.now(),
                "terms_version": "2026-11",
                "directory_consent": True,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if staff and not Authenticator.objects.filter(user=user, type="totp").exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
        users[email] = user
    return users


def seed_notifications() -> None:
    """A welcome in every approved member's inbox (idempotent: fixed keys)."""
    from notifications import notification_kinds as kinds
    from notifications.services import notify

    notify(
        recipients=User.objects.filter(membership__firm__status=Firm.Status.APPROVED),
        kind=kinds.ANNOUNCEMENT.slug,
        object_key="announcement:demo-welcome",
        context={
            "title": "Benvenuti nel Club degli Esportatori",
            "body": "Le prime missioni: metalmeccanico e lapideo a Colonia e Dortmund, "
            "agroalimentare a Lipsia e Berlino. Completate il profilo della vostra impresa.",
        },
        url=reverse("my_firm"),
    )


def seed_firms(users: dict[str, User]) -> None:
    sectors = {s.slug: s for s in Sector.objects.all()}
    staff = users["staff@club.example"]
    for (
        name,
        serial,
        sector,
        comune,
        ateco,
        employees,
        share,
        mentor,
        markets,
        langs,
        products,
        approved,
        owner,
    ) in FIRMS:
        firm, _ = Firm.objects.update_or_create(
            vat_number=example_vat_number(serial),
            defaults={
                "name": name,
                "sector": sectors[sector],
                "comune": comune,
                "ateco_code": ateco,
                "employees": employees,
                "export_share": share,
                "is_mentor": mentor,
                "target_markets": markets,
                "languages": langs,
                "products": products,
                "description": f"{name} ha sede a {comune}, in provincia di Sondrio.",
                "website": "",
                "status": Firm.Status.APPROVED if approved else Firm.Status.PENDING,
                "approved_at": timezone.now() if approved else None,
                "approved_by": staff if approved else None,
            },
        )
        if owner:
            Membership.objects.update_or_create(
                user=users[owner], defaults={"firm": firm, "role": Membership.Role.OWNER}
            )
