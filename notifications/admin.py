from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications import services
from notifications.models import Announcement, Broadcast, Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what waits, what failed and why."""

    list_display = [
        "created_at",
        "recipient",
        "kind",
        "email_status",
        "attempts",
        "short_error",
        "sent_at",
        "read_at",
    ]
    list_filter = ["email_status", "kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient__email", "key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["retry_failed"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    # Deleting items changes their recipients' unread count, cached beside the user.
    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.forget_unread([obj.recipient_id])

    def delete_queryset(self, request, queryset):
        recipients = list(queryset.values_list("recipient_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        services.forget_unread(recipients)

    @admin.display(description=_("ultimo errore"))
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description=_("Riprova l'invio delle email non riuscite"), permissions=["change"])
    def retry_failed(self, request, queryset):
        count = services.notifications_retry_failed(
            notification_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request,
            ngettext("%d email rimessa in coda.", "%d email rimesse in coda.", count) % count,
            messages.SUCCESS,
        )


@admin.register(Broadcast)
class BroadcastAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "audience", "recipients", "expanded_at"]
    readonly_fields = [f.name for f in Broadcast._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email"]
    list_filter = ["kind", "email"]
    search_fields = ["user__email"]
    list_select_related = ["user"]


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["title", "created_at", "sent_at"]
    filter_horizontal = ["sectors"]
    readonly_fields = ["created_by", "created_at", "sent_at"]
    actions = ["send"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Invia alle imprese socie"), permissions=["change"])
    def send(self, request, queryset):
        sent = 0
        for announcement in queryset.filter(sent_at__isnull=True):
            with transaction.atomic():
                services.announcement_send(announcement=announcement)
            sent += 1
        self.message_user(
            request,
            ngettext("%d comunicazione in invio.", "%d comunicazioni in invio.", sent) % sent,
            messages.SUCCESS,
        )
