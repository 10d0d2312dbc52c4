from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from core.staff import has_staff_powers
from members.access import get_membership


def membership(request: HttpRequest) -> dict:
    # Lazy: pages that never show the firm do not pay for the query.
    return {
        "current_membership": SimpleLazyObject(lambda: get_membership(request.user)),
        # Staff powers need two-factor authentication (core.staff): templates ask this, never
        # user.is_staff.
        "staff_powers": SimpleLazyObject(lambda: has_staff_powers(request.user)),
    }
