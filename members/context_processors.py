from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from members.access import get_membership


def membership(request: HttpRequest) -> dict:
    # Lazy: pages that never show the firm do not pay for the query.
    return {"current_membership": SimpleLazyObject(lambda: get_membership(request.user))}
