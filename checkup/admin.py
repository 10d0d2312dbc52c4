"""The check-up's questionnaire in admin: drafts are edited, published versions are read-only.

Dimensions (with their questions inline) and questions (with their options inline) are edited on
their own pages, because the admin cannot nest inlines. Every page refuses a change, an addition
or a deletion under a questionnaire that is no longer a draft: a published version is what firms
answered, so it never changes. Staff copy it into a new draft ("Nuova bozza da questa versione")
and publish that ("Pubblica"), which retires the version before it (checkup/services.py).
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from checkup import journey, services
from checkup.models import (
    Answer,
    CheckUp,
    Dimension,
    FirmStageOverride,
    Option,
    Question,
    Questionnaire,
)


def _questionnaire_of(obj) -> Questionnaire | None:
    if isinstance(obj, Questionnaire):
        return obj
    if isinstance(obj, Dimension):
        return obj.questionnaire
    if isinstance(obj, Question):
        return obj.dimension.questionnaire
    return None


class DraftOnlyMixin:
    """Change, add under and delete only what belongs to a draft questionnaire."""

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)  # type: ignore[misc]
        questionnaire = _questionnaire_of(obj)
        return allowed and (questionnaire is None or questionnaire.is_editable)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)  # type: ignore[misc]
        questionnaire = _questionnaire_of(obj)
        return allowed and (questionnaire is None or questionnaire.is_editable)


class DraftOnlyInline(DraftOnlyMixin):
    def has_add_permission(self, request, obj=None):
        allowed = super().has_add_permission(request, obj)  # type: ignore[misc]
        questionnaire = _questionnaire_of(obj)
        return allowed and (questionnaire is None or questionnaire.is_editable)


class DimensionInline(DraftOnlyInline, TranslationTabularInline):
    model = Dimension
    fields = ["code", "name", "order", "weight"]
    show_change_link = True
    extra = 0


class QuestionInline(DraftOnlyInline, TranslationTabularInline):
    model = Question
    fields = ["text", "order", "weight"]
    show_change_link = True
    extra = 0


class OptionInline(DraftOnlyInline, TranslationTabularInline):
    model = Option
    fields = ["text", "points", "order"]
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["version", "status", "published_at"]
    # The status changes only through the actions below.
    readonly_fields = ["status", "published_at"]
    inlines = [DimensionInline]
    actions = ["new_draft", "publish"]

    def get_readonly_fields(self, request, obj=None):
        # The version of a draft is set when it is created (the next number) and kept.
        return [*self.readonly_fields, "version"] if obj else self.readonly_fields

    @admin.action(description=_("Nuova bozza da questa versione"), permissions=["add"])
    def new_draft(self, request, queryset):
        for questionnaire in queryset.order_by("version"):
            draft = services.questionnaire_copy(questionnaire_id=questionnaire.pk)
            self.message_user(
                request,
                _("Creata la bozza v%(new)s dalla versione %(old)s.")
                % {"new": draft.version, "old": questionnaire.version},
                messages.SUCCESS,
            )

    @admin.action(description=_("Pubblica (ritira la versione pubblicata)"), permissions=["change"])
    def publish(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Scegli una sola bozza da pubblicare."), messages.ERROR)
            return
        try:
            published = services.questionnaire_publish(questionnaire_id=queryset.get().pk)
        except services.CheckUpError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(
            request, _("Versione %(v)s pubblicata.") % {"v": published.version}, messages.SUCCESS
        )


@admin.register(Dimension)
class DimensionAdmin(DraftOnlyMixin, TranslationAdmin):
    list_display = ["name", "code", "questionnaire", "order", "weight"]
    list_filter = ["questionnaire"]
    inlines = [QuestionInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "questionnaire":  # a new dimension goes into a draft only
            kwargs["queryset"] = Questionnaire.objects.filter(status=Questionnaire.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Question)
class QuestionAdmin(DraftOnlyMixin, TranslationAdmin):
    list_display = ["text", "dimension", "order", "weight"]
    list_filter = ["dimension__questionnaire"]
    list_select_related = ["dimension__questionnaire"]
    inlines = [OptionInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "dimension":
            kwargs["queryset"] = Dimension.objects.filter(
                questionnaire__status=Questionnaire.Status.DRAFT
            ).select_related("questionnaire")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["question", "option"]
    readonly_fields = ["question", "option"]
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question", "option")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CheckUp)
class CheckUpAdmin(admin.ModelAdmin):
    """The firms' check-ups, read-only: answers and scores are the firm's own."""

    list_display = ["firm", "questionnaire", "started_at", "completed_at", "overall"]
    list_filter = ["questionnaire"]
    list_select_related = ["firm", "questionnaire"]
    search_fields = ["firm__name"]
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- The personal path's catalogues ---------------------------------------------------------------
# Saved and published through checkup/catalogue.py, which tells the matching firms after commit.
# (Imported here rather than at the top: this section was added alongside other work on the file.)

from django import forms  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402

from checkup import catalogue  # noqa: E402
from checkup.models import CameraService, FundingInstrument  # noqa: E402


class CatalogueForm(forms.ModelForm):
    def clean_dimension_codes(self) -> list[str]:
        codes = [code.strip() for code in self.cleaned_data["dimension_codes"]]
        known = set(Dimension.objects.values_list("code", flat=True))
        unknown = sorted(set(codes) - known)
        if unknown:
            raise ValidationError(
                _("Codici sconosciuti: %(unknown)s. I codici delle dimensioni sono: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(sorted(known))}
            )
        return codes


class CatalogueAdmin(TranslationAdmin):
    label: str
    form = CatalogueForm
    readonly_fields = ["published_at"]  # set by the "publish" action (checkup/catalogue.py)
    actions = ["publish"]

    def save_model(self, request, obj, form, change):
        catalogue.catalogue_item_save(item=obj)

    @admin.action(description=_("Pubblica e avvisa le imprese interessate"), permissions=["change"])
    def publish(self, request, queryset):
        for item in queryset.order_by("pk"):
            catalogue.catalogue_item_publish(label=self.label, item_id=item.pk)
        self.message_user(
            request,
            _("Pubblicati: %(n)s. Le imprese con una lacuna corrispondente riceveranno un avviso.")
            % {"n": queryset.count()},
            messages.SUCCESS,
        )


@admin.register(CameraService)
class CameraServiceAdmin(CatalogueAdmin):
    label = "service"
    list_display = ["title", "kind", "starts_on", "registration_deadline", "published_at"]
    list_filter = ["kind"]
    search_fields = ["title_it", "title_en", "title_de"]


@admin.register(FundingInstrument)
class FundingInstrumentAdmin(CatalogueAdmin):
    label = "funding"
    list_display = ["name", "provider", "deadline", "published_at"]
    search_fields = ["name_it", "name_en", "name_de", "provider"]
    filter_horizontal = ["sectors"]


@admin.register(FirmStageOverride)
class FirmStageOverrideAdmin(admin.ModelAdmin):
    """Staff set a firm's journey stage by hand, with the reason; the latest one counts.

    Added through checkup.journey.stage_override_set and never changed afterwards (a new one
    replaces it; deleting it goes back to the derived stage).
    """

    list_display = ["firm", "stage", "reason", "by", "at"]
    list_filter = ["stage"]
    list_select_related = ["firm", "by"]
    search_fields = ["firm__name", "reason"]
    autocomplete_fields = ["firm"]
    fields = ["firm", "stage", "reason"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        created = journey.stage_override_set(
            firm=obj.firm, stage=obj.stage, reason=obj.reason, by=request.user
        )
        obj.pk, obj.by, obj.at = created.pk, created.by, created.at
