"""Staff invite partner contacts to missions; the invitation and its email go through
partners.services (admin never writes an invitation or a link itself). Staff import partners and
their contacts from a sheet on the partners' list (partners/imports.py)."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportMixin

from members.models import User
from missions.admin.b2b import PartnerAdmin as MissionsPartnerAdmin
from missions.models import Mission, Partner
from partners import co_organisers, imports, services
from partners.models import (
    CoOrganiser,
    CoOrganiserMember,
    CoOrganiserMission,
    CoOrganiserPartner,
    PartnerContact,
    PartnerInvitation,
    SignInLink,
)

# The partners' admin is missions' own, with the import from a sheet added here: the importer
# creates partner contacts, which missions does not know.
admin.site.unregister(Partner)


@admin.register(Partner)
class PartnerAdmin(ImportMixin, MissionsPartnerAdmin):
    resource_classes = [imports.PartnerResource]
    import_formats = imports.IMPORT_FORMATS
    import_form_class = imports.PartnerImportForm
    confirm_form_class = imports.PartnerConfirmImportForm
    import_template_name = "admin/partners/partner_import.html"
    tmp_storage_class = imports.ImportFileStorage
    skip_admin_log = False

    def has_import_permission(self, request: HttpRequest) -> bool:
        """An import creates and updates partners: staff need both permissions."""
        return request.user.has_perms(["missions.add_partner", "missions.change_partner"])

    def get_import_data_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        data_kwargs: dict[str, Any] = super().get_import_data_kwargs(**kwargs)
        # At the confirmation too, a row in error rolls the whole sheet back (import-export
        # otherwise commits the valid rows and skips the invalid ones).
        data_kwargs["rollback_on_validation_errors"] = True
        return data_kwargs

    def add_data_read_fail_error_to_form(self, form: Any, e: Exception) -> None:
        form.add_error(
            "import_file",
            _(
                "Il file non si legge nel formato scelto: carica un CSV (UTF-8, separato da "
                "virgole) o un XLSX, e scegli il formato giusto."
            ),
        )

    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """The confirmation: a tampered form or an upload gone from the cache (it expires after
        an hour) sends staff back to the upload with a message."""
        again = HttpResponseRedirect(reverse("admin:missions_partner_import"))
        if (
            request.method == "POST"
            and self.has_import_permission(request)
            and not self.create_confirm_form(request).is_valid()
        ):
            messages.error(request, _("Conferma non valida: carica di nuovo il foglio."))
            return again
        try:
            response: HttpResponse = super().process_import(request, **kwargs)
        except imports.ImportFileGone:
            messages.error(
                request,
                _("Il file dell'anteprima non è più disponibile: caricalo di nuovo."),
            )
            return again
        return response

    def process_result(self, result: Any, request: HttpRequest) -> HttpResponse:
        if result.has_errors() or result.has_validation_errors():
            # The data changed since the preview and a row fails now: nothing was written.
            context = self.admin_site.each_context(request)
            context.update(
                {
                    "title": _("Importa partner"),
                    "opts": self.model._meta,
                    "result": result,
                    "form": self.create_import_form(request),
                    "import_error_display": self.import_error_display,
                    "nothing_written": True,
                }
            )
            return TemplateResponse(request, [self.import_template_name], context, status=400)
        response: HttpResponse = super().process_result(result, request)
        return response

    def add_success_message(self, result: Any, request: HttpRequest) -> None:
        totals = result.totals
        messages.success(
            request,
            _(
                "Importazione completata: %(new)d partner nuovi, %(update)d aggiornati, "
                "%(skip)d invariati; %(contacts)d referenti nuovi."
            )
            % {
                "new": totals["new"],
                "update": totals["update"],
                "skip": totals["skip"],
                "contacts": getattr(result, "contacts_created", 0),
            },
        )


class InviteForm(forms.ModelForm):
    """The add form: who to invite (new contacts get a password-less account) and where."""

    partner = forms.ModelChoiceField(
        label=_("partner"), queryset=Partner.objects.select_related("city")
    )
    email = forms.EmailField(label=_("email"))
    first_name = forms.CharField(label=_("nome"), max_length=150, required=False)
    last_name = forms.CharField(label=_("cognome"), max_length=150, required=False)
    role = forms.CharField(label=_("ruolo"), max_length=120, required=False)
    mission = forms.ModelChoiceField(label=_("missione"), queryset=Mission.objects.all())

    class Meta:
        model = PartnerInvitation
        fields: list[str] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            self.instance = services.contact_invite(
                partner_id=data["partner"].pk,
                mission_id=data["mission"].pk,
                email=data["email"],
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                role=data.get("role", ""),
                invited_by=self.request_user,
            )
        except services.PartnersError as error:
            raise forms.ValidationError(error.message) from None
        return data

    request_user: Any = None


@admin.register(PartnerInvitation)
class PartnerInvitationAdmin(admin.ModelAdmin):
    list_display = ["contact", "mission", "created_at", "sent_at"]
    list_filter = ["mission"]
    search_fields = ["contact__user__email", "contact__partner__name", "mission__title"]
    readonly_fields = ["contact", "mission", "invited_by", "created_at", "sent_at"]
    actions = ["send_again"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        if obj is None:
            # A class per request: the acting staff member is not shared between requests.
            return type("InviteForm", (InviteForm,), {"request_user": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["partner", "email", "first_name", "last_name", "role", "mission"]
        return list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """The invitation was written by services.contact_invite in the form's clean()."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    @admin.action(description=_("Invia di nuovo l'invito con un nuovo link"), permissions=["add"])
    def send_again(self, request: HttpRequest, queryset: Any) -> None:
        count = 0
        for invitation in queryset.select_related("contact"):
            services.contact_invite(
                partner_id=invitation.contact.partner_id,
                mission_id=invitation.mission_id,
                email=invitation.contact.user.email,
                invited_by=request.user if isinstance(request.user, User) else None,
            )
            count += 1
        self.message_user(
            request,
            ngettext("%d invito inviato di nuovo.", "%d inviti inviati di nuovo.", count) % count,
            messages.SUCCESS,
        )


@admin.register(PartnerContact)
class PartnerContactAdmin(admin.ModelAdmin):
    list_display = ["user", "partner", "role", "created_at"]
    search_fields = ["user__email", "user__last_name", "partner__name"]
    list_select_related = ["user", "partner"]
    readonly_fields = ["user", "partner", "created_at"]
    fields = ["user", "partner", "role", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # contacts are created by inviting (PartnerInvitation) or importing them


@admin.register(SignInLink)
class SignInLinkAdmin(admin.ModelAdmin):
    """Read-only: when links were sent and used (the tokens are not stored)."""

    list_display = ["contact", "created_at", "expires_at", "used_at"]
    search_fields = ["contact__user__email"]
    readonly_fields = ["contact", "created_at", "expires_at", "used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Co-organisers ------------------------------------------------------------------------------


class CoOrganiserPartnerInline(admin.TabularInline):
    model = CoOrganiserPartner
    extra = 0
    autocomplete_fields = ["partner"]
    verbose_name_plural = _("partner del co-organizzatore (li vedono e gestiscono solo loro)")


class CoOrganiserMissionInline(admin.TabularInline):
    model = CoOrganiserMission
    extra = 0
    verbose_name_plural = _("missioni a cui lavora il co-organizzatore")


class CoOrganiserMemberInline(admin.TabularInline):
    model = CoOrganiserMember
    extra = 0
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]
    can_delete = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # members are added (and emailed) from "Membri dei co-organizzatori"


@admin.register(CoOrganiser)
class CoOrganiserAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "website"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]
    inlines = [CoOrganiserMemberInline, CoOrganiserPartnerInline, CoOrganiserMissionInline]


class MemberAddForm(forms.ModelForm):
    """The add form: who joins which co-organiser (new people get an account without a
    password; the email that follows lets them choose one)."""

    co_organiser = forms.ModelChoiceField(
        label=_("co-organizzatore"), queryset=CoOrganiser.objects.all()
    )
    email = forms.EmailField(label=_("email"))
    first_name = forms.CharField(label=_("nome"), max_length=150, required=False)
    last_name = forms.CharField(label=_("cognome"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("lingua"), choices=settings.LANGUAGES, initial="de", required=True
    )

    class Meta:
        model = CoOrganiserMember
        fields: list[str] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            self.instance = co_organisers.member_add(
                co_organiser_id=data["co_organiser"].pk,
                email=data["email"],
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                language=data["language"],
            )
        except services.PartnersError as error:
            raise forms.ValidationError(error.message) from None
        return data


@admin.register(CoOrganiserMember)
class CoOrganiserMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "co_organiser", "created_at"]
    list_filter = ["co_organiser"]
    search_fields = ["user__email", "user__last_name", "co_organiser__name"]
    list_select_related = ["user", "co_organiser"]
    readonly_fields = ["user", "co_organiser", "created_at"]
    actions = ["invite"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        if obj is None:
            return MemberAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["co_organiser", "email", "first_name", "last_name", "language"]
        return list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """The member was written by co_organisers.member_add in the form's clean(); the
        invitation (allauth's "choose a password" email) follows."""
        if not change:
            co_organisers.member_password_email(request=request, member_id=obj.pk)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    @admin.action(description=_("Invia l'email per scegliere la password"), permissions=["add"])
    def invite(self, request: HttpRequest, queryset: Any) -> None:
        count = sum(
            co_organisers.member_password_email(request=request, member_id=member.pk)
            for member in queryset
        )
        self.message_user(
            request,
            ngettext("%d email inviata.", "%d email inviate.", count) % count,
            messages.SUCCESS,
        )


@admin.register(CoOrganiserPartner)
class CoOrganiserPartnerAdmin(admin.ModelAdmin):
    """Which co-organiser brings which partner (also editable inline on the co-organiser)."""

    list_display = ["partner", "co_organiser", "created_at"]
    list_filter = ["co_organiser"]
    search_fields = ["partner__name", "co_organiser__name"]
    list_select_related = ["partner__city", "co_organiser"]
    autocomplete_fields = ["partner"]


@admin.register(CoOrganiserMission)
class CoOrganiserMissionAdmin(admin.ModelAdmin):
    """Which missions a co-organiser works on (also editable inline on the co-organiser)."""

    list_display = ["mission", "co_organiser", "created_at"]
    list_filter = ["co_organiser", "mission"]
    search_fields = ["mission__title", "co_organiser__name"]
    list_select_related = ["mission", "co_organiser"]
