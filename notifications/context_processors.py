from functools import cache

from django.http import HttpRequest

from notifications.selectors import unread_count


def inbox(request: HttpRequest) -> dict:
    # The bell is in every page's header: one indexed COUNT (partial index notif_unread), run
    # only when a template shows it (templates call callables; cached for the other uses), so a
    # response whose template has no bell pays nothing.
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"unread_notifications": cache(lambda: unread_count(user=user))}
