"""The one rule of staff powers: a staff account uses them only with two-factor authentication.

Staff can see hidden posts and draft missions, act for other firms and change every firm's data,
so a stolen staff password alone must give nothing of that: not the admin and the dashboard
(core.middleware), and not the site either. Every check that used `user.is_staff` asks
`has_staff_powers(user)` instead.
"""

from typing import Any

_CACHE = "_has_staff_powers"


def has_staff_powers(user: Any) -> bool:
    """True for an active staff account with a TOTP authenticator; cached on the user object,
    which is the request's user (one query per request, none for non-staff)."""
    if not (getattr(user, "is_authenticated", False) and user.is_staff and user.is_active):
        return False
    cached: bool | None = getattr(user, _CACHE, None)
    if cached is None:
        from allauth.mfa.models import Authenticator  # the app registry is ready by now

        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        setattr(user, _CACHE, cached)
    return cached
