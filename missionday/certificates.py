"""Attendance certificates: who gets one and the verification code printed on it.

A certificate is for a delegate (a firm's badge) checked in on at least one day of the mission;
so it exists from the first check-in, never before the mission starts. Partner contacts get
none. The verification code is the badge's id signed with CERTIFICATE_SALT
(django.core.signing, no timestamp): it cannot be forged or altered, carries no personal data,
and stops verifying once the badge is deleted (the person erased, the mission removed).
"""

import datetime as dt
from dataclasses import dataclass

from django.core import signing

from missionday.models import CheckIn, DayPass

CERTIFICATE_SALT = "missionday.certificate"


def _signer() -> signing.Signer:
    return signing.Signer(salt=CERTIFICATE_SALT)


def certificate_code(day_pass: DayPass) -> str:
    """The badge's id, signed without a timestamp: the same code every time the certificate is
    printed, valid as long as the badge exists."""
    return _signer().sign_object(day_pass.pk)


def has_certificate(day_pass: DayPass) -> bool:
    """Whether the badge earns a certificate: a delegate's, checked in at least once."""
    return (
        day_pass.kind == DayPass.Kind.DELEGATE
        and CheckIn.objects.filter(day_pass=day_pass).exists()
    )


@dataclass(frozen=True)
class Certificate:
    day_pass: DayPass
    days: list[dt.date]  # the days checked in, in order


def certificate_of(day_pass: DayPass) -> Certificate | None:
    """The badge's certificate, or None when it earns none."""
    if day_pass.kind != DayPass.Kind.DELEGATE:
        return None
    days = sorted(CheckIn.objects.filter(day_pass=day_pass).values_list("day", flat=True))
    return Certificate(day_pass=day_pass, days=days) if days else None


def certificate_verified(code: str) -> Certificate | None:
    """The certificate a code stands for, or None for a forged, altered or other-salt code and
    for a badge deleted since or without a certificate."""
    try:
        pk = _signer().unsign_object(code)
    except (signing.BadSignature, ValueError):  # ValueError: a signed payload that is not ours
        return None
    if not isinstance(pk, int) or isinstance(pk, bool):
        return None
    day_pass = DayPass.objects.select_related("mission", "firm", "partner").filter(pk=pk).first()
    return certificate_of(day_pass) if day_pass is not None else None
