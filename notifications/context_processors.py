from django.http import HttpRequest

from notifications.selectors import unread_count


def inbox(request: HttpRequest) -> dict:
    # The bell is in every page's header: one indexed COUNT (partial index notif_unread).
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user=user)}
