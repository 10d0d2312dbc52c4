"""Staff import German partner organisations, with one contact per row, from a CSV or XLSX sheet
in admin (django-import-export; the admin is partners/admin.py, the guide docs/partners-import.md).

The upload is first imported in a transaction that is rolled back (the preview: what would be
created, updated or left as it is, or every row's errors in words); the confirmed import runs again
from the stored file in one transaction that is rolled back if any row is in error, so a sheet is
written whole or not at all.

A row is matched to an existing partner by its VAT number (python-stdnum's compact form) if a
partner has it, otherwise by the contact's email (an existing PartnerContact: its partner),
otherwise it creates a partner. Two rows of one sheet with the same VAT number or email are an
error on the second. On an existing partner an empty cell keeps the stored value (the partner may
have completed its profile in the workspace); a filled one replaces it.
"""

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.resources import Diff
from import_export.results import RowResult
from import_export.tmp_storages import CacheStorage

from members.models import Firm, Membership, Sector, User
from missions.models import City, Partner
from missions.services.partners import (
    partner_import_save,
    partners_by_vat_number,
    vat_number_key,
)
from partners import services
from partners.forms import nace_codes_parse, vat_number_validate
from partners.models import PartnerContact

logger = logging.getLogger(__name__)

# The sheet's columns, in this order in the sample (docs/samples/partners-import.csv).
COLUMNS = (
    "name",
    "kind",
    "city",
    "vat_number",
    "website",
    "sectors",
    "nace_codes",
    "languages",
    "size",
    "products_sought",
    "description",
    "contact_email",
    "contact_first_name",
    "contact_last_name",
    "contact_role",
)
REQUIRED_COLUMNS = ("name",)
CONTACT_COLUMNS = ("contact_first_name", "contact_last_name", "contact_role")
IMPORT_FORMATS = [CSV, XLSX]
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
LIST_SEPARATORS = re.compile(r"[;,\n]")


class PreviewDiff(Diff):
    """The preview's cells: a changed value as <del>old</del><ins>new</ins>, an unchanged one in
    a <span>. Whole values, not a character diff: "buyer" → "importer" reads as two words.
    import-export's default diff (diff-match-patch's pretty HTML) writes style attributes, which
    the site's Content-Security-Policy refuses."""

    def as_html(self) -> list[SafeString]:
        cells: list[SafeString] = []
        for old, new in zip(self.left, self.right, strict=False):
            before, after = ("" if self.new else force_str(old or "")), force_str(new or "")
            if before == after:
                parts = [("span", after)] if after else []
            else:
                parts = [(tag, text) for tag, text in (("del", before), ("ins", after)) if text]
            cells.append(format_html_join("", "<{0}>{1}</{0}>", parts))
        return cells


class ImportFileStorage(CacheStorage):
    """The uploaded file between the preview and the confirmation: in the cache (Redis), so every
    web process finds it and an unconfirmed upload (contacts' emails) expires by itself."""

    CACHE_LIFETIME = 60 * 60
    CACHE_PREFIX = "partners-import-"

    def read(self) -> Any:
        data = super().read()
        if data is None:
            raise ImportFileGone
        return data


class ImportFileGone(Exception):
    """The preview's file expired (or the cache lost it) before staff confirmed."""


class SheetError(Exception):
    """The sheet as a whole cannot be imported (its header); the message is shown as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _too_big() -> ValidationError:
    return ValidationError(
        _("Il file supera %(mb)d MB: dividilo in più fogli."),
        params={"mb": MAX_FILE_BYTES // (1024 * 1024)},
    )


class PartnerImportForm(ImportForm):
    """The upload: a readable file within the size limit, with rows under its header (the rows
    themselves are checked by the resource)."""

    def __init__(self, formats: Any, resources: Any, **kwargs: Any) -> None:
        super().__init__(formats, resources, **kwargs)
        self.import_formats = formats

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        upload, chosen = data.get("import_file"), data.get("format")
        if upload is None or chosen in (None, ""):
            return data
        if upload.size > MAX_FILE_BYTES:  # before anything reads or parses it
            self.add_error("import_file", _too_big())
            return data
        input_format = self.import_formats[int(chosen)](encoding="utf-8-sig")
        content = upload.read()
        upload.seek(0)
        try:
            dataset = input_format.create_dataset(content)
        except Exception:  # noqa: BLE001 - any parser's failure: the admin's read error says so
            return data
        rows = sum(1 for values in dataset if not _is_blank(values))
        if not rows:
            self.add_error(
                "import_file",
                _("Il foglio non ha righe di dati: sotto l'intestazione serve almeno un partner."),
            )
        elif rows > MAX_ROWS:
            self.add_error(
                "import_file",
                _("Il foglio ha più di %(rows)d righe: dividilo in più fogli.")
                % {"rows": MAX_ROWS},
            )
        return data


class PartnerConfirmImportForm(ConfirmImportForm):
    """The confirmation's hidden fields, as posted back: a format the admin offers."""

    def clean_format(self) -> str:
        value: str = self.cleaned_data["format"]
        if not value.isdigit() or int(value) >= len(IMPORT_FORMATS):
            raise ValidationError(_("Formato del file sconosciuto: carica di nuovo il foglio."))
        return value


def _cell(value: object) -> str:
    """A cell as text: empty for None, whole numbers without ".0" (XLSX gives floats)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _is_blank(values: Any) -> bool:
    return not any(_cell(value) for value in values)


def _header(value: object) -> str:
    return re.sub(r"[\s\-]+", "_", _cell(value).lower())


def _fold(text: str) -> set[str]:
    """The keys under which a name is looked up: lower case, German umlauts spelt out (Köln →
    koeln) and accents dropped (Köln → koln)."""
    lower = text.strip().lower()
    spelt = lower.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")

    def plain(value: str) -> str:
        return "".join(
            c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c)
        )

    return {lower, plain(spelt), plain(lower)}


def _choices_lookup(choices: Any) -> dict[str, str]:
    """{code or label in any of the site's languages, lower case: code}. A label's part before
    " (" counts too ("Piccola" for "Piccola (10-49 addetti)")."""
    lookup: dict[str, str] = {}
    for code, label in choices:
        if not code:
            continue
        lookup[str(code).lower()] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                text = str(label).lower()
            lookup.setdefault(text, code)
            lookup.setdefault(text.split(" (")[0].strip(), code)
    return lookup


def _split(text: str) -> list[str]:
    return [item.strip() for item in LIST_SEPARATORS.split(text) if item.strip()]


@dataclass
class ParsedRow:
    """One row of the sheet, checked: what to set on the partner and the contact to add."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    sectors: list[Sector] | None = None
    existing: Partner | None = None
    contact: dict[str, str] | None = None
    contact_changes: bool = False


class PartnerResource(resources.ModelResource):
    """The sheet's columns and the rules of a row (module docstring)."""

    name = fields.Field(attribute="name", column_name="name")
    kind = fields.Field(attribute="kind", column_name="kind")
    city = fields.Field(attribute="city__name", column_name="city")
    vat_number = fields.Field(attribute="vat_number", column_name="vat_number")
    website = fields.Field(attribute="website", column_name="website")
    # The sectors the row sets, as names (not the relation: the preview loads no row by row).
    sectors = fields.Field(attribute="import_sector_names", column_name="sectors")
    nace_codes = fields.Field(
        attribute="nace_codes", column_name="nace_codes", widget=widgets.SimpleArrayWidget(", ")
    )
    languages = fields.Field(
        attribute="languages", column_name="languages", widget=widgets.SimpleArrayWidget(", ")
    )
    size = fields.Field(attribute="size", column_name="size")
    products_sought = fields.Field(attribute="products_sought", column_name="products_sought")
    description = fields.Field(attribute="description", column_name="description")
    # Not the partner's own (legacy) contact fields: a PartnerContact, shown in the preview
    # through attributes the resource sets on the instance.
    contact_email = fields.Field(attribute="import_contact_email", column_name="contact_email")
    contact_first_name = fields.Field(
        attribute="import_contact_first_name", column_name="contact_first_name"
    )
    contact_last_name = fields.Field(
        attribute="import_contact_last_name", column_name="contact_last_name"
    )
    contact_role = fields.Field(attribute="import_contact_role", column_name="contact_role")

    class Meta:
        model = Partner
        fields = COLUMNS
        import_order = COLUMNS
        # The whole sheet in one transaction (rolled back after the preview, and at the
        # confirmation if any row fails: the admin passes rollback_on_validation_errors).
        use_transactions = True
        # An existing partner the row would not change, with no new contact, is reported as
        # left unchanged and not saved.
        skip_unchanged = True
        report_skipped = True
        # The row's errors are put into words by validate_instance below.
        clean_model_instances = False

    def get_diff_class(self) -> type[Diff]:
        return PreviewDiff

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sheet_error = False
        self.contacts_created = 0
        self.current = ParsedRow(line=0)
        self.lines: list[int] = []
        self.changed = False

    # --- The sheet -------------------------------------------------------------------------

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        headers = [_header(h) for h in (dataset.headers or [])]
        unknown = [h for h in headers if h and h not in COLUMNS]
        missing = [c for c in REQUIRED_COLUMNS if c not in headers]
        repeated = sorted({h for h in headers if h and headers.count(h) > 1})
        unnamed = [
            str(index + 1)
            for index, header in enumerate(headers)
            if not header and any(_cell(values[index]) for values in dataset)
        ]
        if unknown or missing or repeated or unnamed:
            self.sheet_error = True
            problems = []
            if missing:
                problems.append(gettext("manca la colonna %s") % ", ".join(missing))
            if unknown:
                problems.append(gettext("colonne sconosciute: %s") % ", ".join(unknown))
            if repeated:
                problems.append(gettext("colonne ripetute: %s") % ", ".join(repeated))
            if unnamed:
                problems.append(gettext("colonne con dati ma senza nome: %s") % ", ".join(unnamed))
            raise SheetError(
                gettext(
                    "Intestazione del foglio non valida (%(problems)s). La prima riga deve "
                    "contenere i nomi delle colonne: %(columns)s."
                )
                % {"problems": "; ".join(problems), "columns": ", ".join(COLUMNS)}
            )
        dataset.headers = headers
        # Empty rows (an XLSX's formatted but unused rows) are dropped; the errors still name
        # each row by its line in the sheet (the header is line 1).
        self.lines = [index + 2 for index, values in enumerate(dataset) if not _is_blank(values)]
        for index in reversed(range(len(dataset))):
            if _is_blank(dataset[index]):
                del dataset[index]
        self.cities: dict[str, City] = {}
        for city in City.objects.all():
            for text in (city.name, city.local_name, city.slug):
                for key in _fold(text):
                    self.cities.setdefault(key, city)
        self.sectors_by_key: dict[str, Sector] = {}
        for sector in Sector.objects.all():
            for language, _name in settings.LANGUAGES:
                text = getattr(sector, f"name_{language}", "") or ""
                if text:
                    self.sectors_by_key.setdefault(text.strip().lower(), sector)
            self.sectors_by_key.setdefault(sector.slug.lower(), sector)
        self.kinds = _choices_lookup(Partner.Kind.choices)
        self.sizes = _choices_lookup(Partner.Size.choices)
        self.languages = _choices_lookup(Firm.Language.choices)
        self.partner_ids_by_vat = partners_by_vat_number()
        self.seen_vat: dict[str, int] = {}
        self.seen_email: dict[str, int] = {}

    def import_row(self, row: Any, instance_loader: Any, **kwargs: Any) -> Any:
        if self.sheet_error:
            # The header is wrong: the sheet's error says so, the rows are not read.
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.errors:
            # An unexpected failure (logged): shown like the other row errors, with its line.
            error = row_result.errors[0].error
            self.current = ParsedRow(line=self.lines[int(kwargs["row_number"]) - 1])
            logger.error("Partner import: row %s failed", self.current.line, exc_info=error)
            row_result.errors = []
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = ValidationError(
                self._in_line(gettext("errore imprevisto (%(error)s)") % {"error": error})
            )
        return row_result

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        super().after_import(dataset, result, **kwargs)
        result.contacts_created = self.contacts_created

    # --- A row -----------------------------------------------------------------------------

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        # import-export counts the (non-blank) data rows from 1; the errors give the sheet's line.
        line = self.lines[int(kwargs["row_number"]) - 1]
        cells = {key: _cell(value) for key, value in row.items() if key}
        self.current = ParsedRow(line=line)
        errors: list[str] = []
        parsed = self.current
        self._parse_partner(cells, parsed, errors)
        self._parse_contact(cells, parsed, errors)
        if not errors:
            self._match(cells, parsed, errors)
        if not errors and parsed.existing is None:
            if "kind" not in parsed.values:
                errors.append(gettext("tipo mancante (obbligatorio per un nuovo partner)"))
            if "city" not in parsed.values:
                errors.append(gettext("città mancante (obbligatoria per un nuovo partner)"))
        if errors:
            raise ValidationError([self._in_line(error) for error in errors])

    def _in_line(self, error: str) -> str:
        return gettext("Riga %(line)d: %(error)s") % {"line": self.current.line, "error": error}

    def _parse_partner(self, cells: dict[str, str], parsed: ParsedRow, errors: list[str]) -> None:
        values = parsed.values
        if not cells.get("name"):
            errors.append(gettext("nome mancante"))
        else:
            values["name"] = cells["name"]
        for column, lookup, message in (
            ("kind", self.kinds, gettext("tipo «%(value)s» sconosciuto (valori: %(choices)s)")),
            (
                "size",
                self.sizes,
                gettext("dimensione «%(value)s» sconosciuta (valori: %(choices)s)"),
            ),
        ):
            text = cells.get(column, "")
            if not text:
                continue
            code = lookup.get(text.lower())
            if code is None:
                choices = Partner.Kind.values if column == "kind" else Partner.Size.values
                errors.append(message % {"value": text, "choices": ", ".join(choices)})
            else:
                values[column] = code
        if cells.get("city"):
            city = next(
                (self.cities[key] for key in _fold(cells["city"]) if key in self.cities), None
            )
            if city is None:
                errors.append(gettext("città «%(city)s» sconosciuta") % {"city": cells["city"]})
            else:
                values["city"] = city
        if cells.get("vat_number"):
            try:
                values["vat_number"] = vat_number_validate(cells["vat_number"])
            except ValidationError:
                errors.append(
                    gettext(
                        "partita IVA «%(vat)s» non valida: scrivi la USt-IdNr. completa, "
                        "es. DE136695976"
                    )
                    % {"vat": cells["vat_number"]}
                )
        if cells.get("website"):
            url = cells["website"]
            if "://" not in url:
                url = "https://" + url
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                errors.append(gettext("sito web «%(url)s» non valido") % {"url": cells["website"]})
            else:
                values["website"] = url
        if cells.get("sectors"):
            sectors = []
            for name in _split(cells["sectors"]):
                sector = self.sectors_by_key.get(name.lower())
                if sector is None:
                    errors.append(gettext("settore «%(sector)s» sconosciuto") % {"sector": name})
                else:
                    sectors.append(sector)
            parsed.sectors = sectors
        if cells.get("nace_codes"):
            try:
                values["nace_codes"] = nace_codes_parse(cells["nace_codes"])
            except ValidationError as error:
                errors.extend(error.messages)
        if cells.get("languages"):
            codes = []
            for text in _split(cells["languages"]):
                code = self.languages.get(text.lower())
                if code is None:
                    errors.append(gettext("lingua «%(language)s» sconosciuta") % {"language": text})
                elif code not in codes:
                    codes.append(code)
            values["languages"] = codes
        for column in ("products_sought", "description"):
            if cells.get(column):
                values[column] = cells[column]

    def _parse_contact(self, cells: dict[str, str], parsed: ParsedRow, errors: list[str]) -> None:
        email = cells.get("contact_email", "")
        if not email:
            if any(cells.get(column) for column in CONTACT_COLUMNS):
                errors.append(gettext("nome, cognome o ruolo del referente senza la sua email"))
            return
        try:
            validate_email(email)
        except ValidationError:
            errors.append(gettext("email del referente «%(email)s» non valida") % {"email": email})
            return
        parsed.contact = {
            "email": User.objects.normalize_email(email),
            "first_name": cells.get("contact_first_name", "")[:150],
            "last_name": cells.get("contact_last_name", "")[:150],
            "role": cells.get("contact_role", "")[:120],
        }

    def _match(self, cells: dict[str, str], parsed: ParsedRow, errors: list[str]) -> None:
        """The existing partner of the row (VAT number, then the contact's email), and the
        sheet's own duplicates."""
        vat = vat_number_key(parsed.values.get("vat_number", ""))
        email = parsed.contact["email"].lower() if parsed.contact else ""
        if vat and vat in self.seen_vat:
            errors.append(
                gettext("la partita IVA %(vat)s è già nella riga %(other)d del foglio")
                % {"vat": vat, "other": self.seen_vat[vat]}
            )
        if email and email in self.seen_email:
            errors.append(
                gettext("l'email %(email)s è già nella riga %(other)d del foglio")
                % {"email": email, "other": self.seen_email[email]}
            )
        if errors:
            return
        if vat:
            self.seen_vat[vat] = parsed.line
        if email:
            self.seen_email[email] = parsed.line
        partner = None
        if vat and vat in self.partner_ids_by_vat:
            ids = self.partner_ids_by_vat[vat]
            if len(ids) > 1:
                errors.append(
                    gettext("più partner hanno la partita IVA %(vat)s: unisci prima i doppioni")
                    % {"vat": vat}
                )
                return
            partner = Partner.objects.select_related("city").get(pk=ids[0])
        contact = None
        if email:
            user = User.objects.filter(email__iexact=email).first()
            if user is not None:
                contact = (
                    PartnerContact.objects.select_related("partner__city").filter(user=user).first()
                )
                if contact is None and (
                    user.is_staff
                    or user.is_superuser
                    or Membership.objects.filter(user=user).exists()
                ):
                    errors.append(
                        gettext(
                            "l'email %(email)s è di un membro dello staff o di un'impresa: non "
                            "può essere il referente di un partner"
                        )
                        % {"email": email}
                    )
                    return
        if contact is not None:
            if partner is not None and contact.partner_id != partner.pk:
                errors.append(
                    gettext(
                        "la partita IVA %(vat)s è di «%(partner)s», ma l'email %(email)s è del "
                        "referente di «%(other)s»"
                    )
                    % {
                        "vat": vat,
                        "partner": partner.name,
                        "email": email,
                        "other": contact.partner.name,
                    }
                )
                return
            if partner is None:
                partner = contact.partner
                stored = vat_number_key(partner.vat_number)
                if vat and stored and stored != vat:
                    errors.append(
                        gettext(
                            "l'email %(email)s è del referente di «%(partner)s», che ha un'altra "
                            "partita IVA (%(vat)s)"
                        )
                        % {"email": email, "partner": partner.name, "vat": stored}
                    )
                    return
            assert parsed.contact is not None  # noqa: S101 (narrowing: contact came from it)
            wanted_role = parsed.contact["role"]
            parsed.contact_changes = bool(wanted_role) and wanted_role != contact.role
        elif parsed.contact is not None:
            parsed.contact_changes = True
        parsed.existing = partner

    # --- import-export's hooks -------------------------------------------------------------

    def get_instance(self, instance_loader: Any, row: Any) -> Partner | None:
        return self.current.existing

    def import_instance(self, instance: Partner, row: Any, **kwargs: Any) -> None:
        parsed = self.current
        changed = instance.pk is None
        for name, value in parsed.values.items():
            if name == "city":
                if instance.city_id != value.pk:
                    instance.city = value
                    changed = True
            elif getattr(instance, name) != value:
                setattr(instance, name, value)
                changed = True
        if parsed.sectors is not None:
            names = "; ".join(sector.name for sector in parsed.sectors)
            instance.import_sector_names = names  # type: ignore[attr-defined]
            if instance.pk is not None:
                current = Partner.sectors.through.objects.filter(partner_id=instance.pk)
                current_ids = set(current.values_list("sector_id", flat=True))
                changed = changed or current_ids != {sector.pk for sector in parsed.sectors}
        contact = parsed.contact or {}
        for column in ("email", "first_name", "last_name", "role"):
            setattr(instance, f"import_contact_{column}", contact.get(column, ""))
        self.changed = changed or parsed.contact_changes

    def skip_row(
        self, instance: Partner, original: Any, row: Any, import_validation_errors: Any = None
    ) -> bool:
        return not self.changed

    def validate_instance(
        self, instance: Partner, import_validation_errors: Any = None, validate_unique: bool = True
    ) -> None:
        try:
            instance.full_clean()
        except ValidationError as error:
            labels = {f.name: str(f.verbose_name) for f in Partner._meta.concrete_fields}
            messages = [
                self._in_line(f"{labels[name]}: {text}" if name in labels else text)
                for name, texts in error.message_dict.items()
                for text in texts
            ]
            raise ValidationError(messages) from None

    def save_instance(self, instance: Partner, is_create: bool, row: Any, **kwargs: Any) -> None:
        if not self._is_using_transactions(kwargs) and self._is_dry_run(kwargs):
            return  # a preview without a transaction to roll back writes nothing
        parsed = self.current
        partner_import_save(partner=instance, sectors=parsed.sectors)
        if parsed.contact:
            try:
                _contact, created = services.contact_add(partner_id=instance.pk, **parsed.contact)
            except services.PartnersError as error:
                raise ValidationError(
                    self._in_line(f"{parsed.contact['email']}: {error.message}")
                ) from None
            self.contacts_created += int(created)

    def save_m2m(self, instance: Partner, row: Any, **kwargs: Any) -> None:
        """The sectors are saved by partner_import_save."""
