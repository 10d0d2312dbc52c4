"""Test-only middleware (tests/settings.py): admin form posts skip zeal's `.get()` check.

Django validates every row of an admin inline formset on its own: the row's id and each of its
foreign keys go through ModelChoiceField.to_python, one `.get()` per row. That is Django's
formset design, not portal code. Lazy relation loads (the real N+1s) are still reported there.
"""

from django.urls import reverse
from zeal import zeal_ignore


def admin_formset_gets_allowed(get_response):
    def middleware(request):
        if request.method == "POST" and request.path.startswith(reverse("admin:index")):
            with zeal_ignore([{"model": "*", "field": "get()"}]):
                return get_response(request)
        return get_response(request)

    return middleware
