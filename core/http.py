from django.http import HttpRequest, QueryDict


def posted(request: HttpRequest) -> QueryDict | None:
    """Form data to bind: the POST body on POST (even when empty), None on GET.

    `request.POST or None` leaves a form unbound on an empty POST, so it would show no errors.
    """
    return request.POST if request.method == "POST" else None
