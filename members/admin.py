from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from core import uploads
from members import services
from members.models import Firm, Invitation, JoinRequest, Membership, Sector, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "directory_consent", "newsletter_consent"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Dati personali"), {"fields": ["first_name", "last_name"]}),
        (
            _("Consensi"),
            {
                "fields": [
                    "terms_accepted_at",
                    "terms_version",
                    "directory_consent",
                    "newsletter_consent",
                ]
            },
        ),
        (
            _("Permessi"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Date"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    # Consents are the person's own choice: members.consents changes them and logs each change
    # (the GDPR proof), so staff see them here but cannot tick them.
    readonly_fields = [
        "terms_accepted_at",
        "terms_version",
        "directory_consent",
        "newsletter_consent",
        "last_login",
        "date_joined",
    ]


# allauth's admin of email addresses, with the permission its action needs (every admin action
# declares one: a staff member who may only view runs none).
admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(AllauthEmailAddressAdmin):
    @admin.action(
        description=AllauthEmailAddressAdmin.make_verified.short_description,
        permissions=["change"],
    )
    def make_verified(self, request, queryset):
        super().make_verified(request, queryset)


@admin.register(Sector)
class SectorAdmin(TranslationAdmin):
    # The name once per language (members/translation.py); the slug follows the Italian one.
    list_display = ["name", "slug", "ateco_prefixes"]
    prepopulated_fields = {"slug": ["name_it"]}
    search_fields = ["name_it", "name_de", "name_en"]


class MembershipInline(admin.TabularInline):
    """The firm's people, read-only: roles and removals go through the membership admin's actions
    (members.services), which keep at least one owner per firm."""

    model = Membership
    extra = 0
    readonly_fields = ["user", "role", "created_at"]
    fields = [*readonly_fields]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Firm)
class FirmAdmin(SimpleHistoryAdmin, TranslationAdmin):
    # Description and products once per language (members/translation.py).
    list_display = [
        "name",
        "vat_number",
        "sector",
        "comune",
        "status",
        "is_mentor",
        "created_at",
    ]
    # No comune filter: 78 entries would bury the list; search finds a comune instead.
    list_filter = [
        "status",
        # Firms whose last member erased their account (privacy): staff decide what follows.
        ("without_members_since", admin.EmptyFieldListFilter),
        "sector",
        "is_mentor",
        "export_share",
        "employees",
    ]
    search_fields = ["name", "vat_number", "ateco_code", "comune", "products_it"]
    list_select_related = ["sector"]
    # The logo is not editable here: only the owner's upload (members.services.firm_logo_set)
    # checks and re-encodes it. Staff see it and may remove it. The status changes only through
    # the approve and reject actions (members.services: approver, time, notification).
    readonly_fields = [
        "status",
        "created_at",
        "approved_at",
        "approved_by",
        "without_members_since",
        "logo_preview",
    ]
    inlines = [MembershipInline]
    actions = ["approve_firms", "reject_firms", "remove_logos"]
    date_hierarchy = "created_at"

    @admin.display(description=_("logo"))
    def logo_preview(self, obj: Firm) -> str:
        if not obj.logo:
            return "—"
        width, height = obj.logo_large
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}">',
            obj.logo_url,
            width,
            height,
            _("Logo di %(name)s") % {"name": obj.name},
        )

    @admin.action(
        description=_("Rimuovi il logo delle imprese selezionate"), permissions=["change"]
    )
    def remove_logos(self, request, queryset):
        count = sum(
            services.firm_logo_remove(firm_id=pk) for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext("%d logo rimosso.", "%d loghi rimossi.", count) % count,
            messages.SUCCESS,
        )

    # Deleting a firm deletes its row; its logo file goes once the deletion commits.
    def delete_model(self, request, obj):
        name = obj.logo.name
        super().delete_model(request, obj)
        uploads.delete_on_commit(name)

    def delete_queryset(self, request, queryset):
        names = list(queryset.exclude(logo="").values_list("logo", flat=True))
        super().delete_queryset(request, queryset)
        uploads.delete_on_commit(*names)

    @admin.action(description=_("Approva le imprese selezionate"), permissions=["change"])
    def approve_firms(self, request, queryset):
        count = services.firms_approve(firms=queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%d impresa approvata.", "%d imprese approvate.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Respingi le imprese selezionate"), permissions=["change"])
    def reject_firms(self, request, queryset):
        count = services.firms_reject(firms=queryset)
        self.message_user(
            request,
            ngettext("%d impresa respinta.", "%d imprese respinte.", count) % count,
            messages.WARNING,
        )


class MembershipForm(forms.ModelForm):
    """The add form refuses a partner contact or a co-organiser's member in words
    (members.services.check_may_belong_to_firm); the save checks it again under the lock."""

    class Meta:
        model = Membership
        fields = ["user", "firm", "role"]

    def clean(self):
        cleaned = super().clean() or {}
        user = cleaned.get("user")
        if user is not None and self.instance.pk is None:
            try:
                services.check_may_belong_to_firm(user)
            except services.NotForFirms as exc:
                self.add_error("user", exc.message)
        return cleaned


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    """Staff add a person to a firm here (members.services.membership_add). Afterwards the role
    changes and the removal go through members.services (the firm's membership rows locked, at
    least one owner kept)."""

    form = MembershipForm

    list_display = ["user", "firm", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "firm__name"]
    list_select_related = ["user", "firm"]
    autocomplete_fields = ["user", "firm"]
    actions = ["make_owner", "make_member"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "firm", "role", "created_at"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        membership = services.membership_add(user=obj.user, firm=obj.firm, role=obj.role)
        obj.pk, obj.created_at = membership.pk, membership.created_at

    def has_delete_permission(self, request, obj=None):
        # The delete view of a sole owner is refused; bulk deletion is the "remove" path below.
        if (
            obj is not None
            and obj.is_owner
            and not obj.firm.memberships.exclude(pk=obj.pk)
            .filter(role=Membership.Role.OWNER)
            .exists()
        ):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.membership_remove(firm=obj.firm, membership_id=obj.pk, by=None)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("firm", "user"):
            try:
                services.membership_remove(
                    firm=membership.firm, membership_id=membership.pk, by=None
                )
            except services.LastOwner:
                self.message_user(
                    request,
                    _("%(person)s è l'unico referente di %(firm)s: non rimosso.")
                    % {"person": membership.user, "firm": membership.firm},
                    messages.ERROR,
                )

    def _set_role(self, request, queryset, role: str) -> int:
        count = 0
        for membership in queryset.select_related("firm", "user"):
            try:
                services.membership_set_role(
                    firm=membership.firm, membership_id=membership.pk, role=role, by=None
                )
            except services.LastOwner:
                self.message_user(
                    request,
                    _("%(person)s è l'unico referente di %(firm)s: ruolo non cambiato.")
                    % {"person": membership.user, "firm": membership.firm},
                    messages.ERROR,
                )
            else:
                count += 1
        return count

    @admin.action(description=_("Rendi referenti"), permissions=["change"])
    def make_owner(self, request, queryset):
        count = self._set_role(request, queryset, Membership.Role.OWNER)
        self.message_user(
            request, ngettext("%d ruolo cambiato.", "%d ruoli cambiati.", count) % count
        )

    @admin.action(description=_("Rendi collaboratori"), permissions=["change"])
    def make_member(self, request, queryset):
        count = self._set_role(request, queryset, Membership.Role.MEMBER)
        self.message_user(
            request, ngettext("%d ruolo cambiato.", "%d ruoli cambiati.", count) % count
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Owners invite from their team page (members.services.invitation_create: approved firms
    only, a daily cap, the email through the worker); staff follow them here and can revoke."""

    list_display = ["email", "firm", "role", "created_at", "sent_at", "accepted_at", "revoked_at"]
    search_fields = ["email", "firm__name"]
    list_select_related = ["firm"]
    readonly_fields = [
        "email",
        "firm",
        "role",
        "invited_by",
        "token",
        "created_at",
        "sent_at",
        "accepted_at",
        "revoked_at",
    ]
    fields = [*readonly_fields]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoca gli inviti aperti"), permissions=["change"])
    def revoke(self, request, queryset):
        count = 0
        for invitation in queryset.select_related("firm"):
            try:
                services.invitation_revoke(firm=invitation.firm, invitation_id=invitation.pk)
            except Invitation.DoesNotExist:  # accepted or revoked already
                continue
            count += 1
        self.message_user(
            request,
            ngettext("%d invito revocato.", "%d inviti revocati.", count) % count,
            messages.SUCCESS,
        )


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    """People's requests to join a firm. Made by the person, decided by the firm's owner or by
    staff through the actions (members.services.join_request_decide: membership, notification)."""

    list_display = ["user", "firm", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "firm__name"]
    list_select_related = ["user", "firm"]
    readonly_fields = ["user", "firm", "message", "status", "created_at", "decided_at"]
    actions = ["accept", "decline"]

    def has_add_permission(self, request):
        return False

    def _decide(self, request, queryset, *, accept: bool) -> int:
        count = 0
        for join_request in queryset.filter(status=JoinRequest.Status.PENDING).select_related(
            "firm", "user"
        ):
            try:
                services.join_request_decide(
                    firm=join_request.firm,
                    join_request_id=join_request.pk,
                    accept=accept,
                    by=None,
                )
            except services.AlreadyInFirm:
                self.message_user(
                    request,
                    _("%(person)s fa già parte di un'impresa.") % {"person": join_request.user},
                    messages.ERROR,
                )
            except JoinRequest.DoesNotExist:
                pass  # decided meanwhile
            else:
                count += 1
        return count

    @admin.action(description=_("Accetta le richieste selezionate"), permissions=["change"])
    def accept(self, request, queryset):
        count = self._decide(request, queryset, accept=True)
        self.message_user(
            request,
            ngettext("%d richiesta accettata.", "%d richieste accettate.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Rifiuta le richieste selezionate"), permissions=["change"])
    def decline(self, request, queryset):
        count = self._decide(request, queryset, accept=False)
        self.message_user(
            request, ngettext("%d richiesta rifiutata.", "%d richieste rifiutate.", count) % count
        )


# --- GDPR: consent log and data requests ---------------------------------------------------------
# Imported here rather than at the top so this block can be added without touching the admin
# classes above.
from members import consents  # noqa: E402
from members.models import Consent, DataRequest  # noqa: E402


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """The proof of consent: read-only, rows are only ever appended by members.consents."""

    list_display = ["created_at", "user", "kind", "granted", "policy_version", "source"]
    list_filter = ["kind", "granted", "source", "policy_version"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DataRequestStateFilter(admin.SimpleListFilter):
    title = _("stato")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Da evadere")), ("closed", _("Evase"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(completed_at__isnull=True)
        if self.value() == "closed":
            return queryset.filter(completed_at__isnull=False)
        return queryset


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    """Requests under GDPR art. 12(3): answer within one month. The model's ordering puts the
    open requests first, the oldest (closest to the deadline) on top."""

    list_display = ["created_at", "email_snapshot", "kind", "days_left_display", "completed_at"]
    list_filter = [DataRequestStateFilter, "kind"]
    search_fields = ["email_snapshot", "note"]
    readonly_fields = ["user", "email_snapshot", "kind", "note", "created_at", "completed_at"]
    actions = ["mark_completed"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("giorni rimasti"), ordering="created_at")
    def days_left_display(self, obj: DataRequest) -> str:
        if obj.completed_at:
            return "—"
        return str(obj.days_left)

    @admin.action(description=_("Segna come evase"), permissions=["change"])
    def mark_completed(self, request, queryset):
        count = consents.data_requests_complete(requests=queryset)
        self.message_user(
            request,
            ngettext("%d richiesta segnata come evasa.", "%d richieste segnate come evase.", count)
            % count,
            messages.SUCCESS,
        )


# --- Change requests of approved firms (ragione sociale, partita IVA, sector) --------------------
# Imported here so this block stands apart from the admin classes above.
from members.models import FirmChangeRequest  # noqa: E402


@admin.register(FirmChangeRequest)
class FirmChangeRequestAdmin(admin.ModelAdmin):
    """Staff approve or reject a firm's change through the actions (members.services), which
    apply it and tell the firm's owners; the request itself is not edited by form."""

    list_display = [
        "firm",
        "current_values",
        "requested_values",
        "status",
        "requested_by",
        "created_at",
        "decided_at",
    ]
    list_filter = ["status"]
    search_fields = ["firm__name", "firm__vat_number", "name", "vat_number"]
    list_select_related = ["firm__sector", "sector", "requested_by"]
    readonly_fields = [
        "firm",
        "current_values",
        "name",
        "vat_number",
        "sector",
        "status",
        "requested_by",
        "created_at",
        "decided_at",
        "decided_by",
    ]
    fields = list(readonly_fields)
    actions = ["approve", "reject"]

    @admin.display(description=_("dati attuali"))
    def current_values(self, obj: FirmChangeRequest) -> str:
        firm = obj.firm
        return f"{firm.name} · {firm.vat_number} · {firm.sector}"

    @admin.display(description=_("dati richiesti"))
    def requested_values(self, obj: FirmChangeRequest) -> str:
        return f"{obj.name} · {obj.vat_number} · {obj.sector}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The actions need the change permission; a request is never edited by form.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, *, approve: bool) -> None:
        decided, refused = services.firm_change_requests_decide(
            request_ids=list(queryset.values_list("pk", flat=True)),
            approve=approve,
            by=request.user,
        )
        self.message_user(
            request,
            ngettext("%d richiesta gestita.", "%d richieste gestite.", decided) % decided,
            messages.SUCCESS,
        )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%d richiesta non approvata: la partita IVA è già di un'altra impresa.",
                    "%d richieste non approvate: la partita IVA è già di un'altra impresa.",
                    refused,
                )
                % refused,
                messages.ERROR,
            )

    @admin.action(description=_("Approva le modifiche selezionate"), permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Respingi le modifiche selezionate"), permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, approve=False)
