"""The studio's forms: start a draft, the framework-level fields of a draft, rounds, assumptions,
publishing and text patches. Each form that edits a draft writes into a framework document
(``apply``) and leaves every key it does not show, and every value not changed, exactly as it was,
so that the saved text differs from the previous revision only where something was edited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pramern.assessments.forms import ThaiDateField
from pramern.frameworks.models import Framework
from pramern.studio.services import MAX_UPLOAD_BYTES
from pramern.thaidates import fiscal_year_of

_CODE_HELP = _("Letters, digits, dots, dashes and underscores, e.g. oae-2570.")


class CloneForm(forms.Form):
    framework = forms.ModelChoiceField(
        label=_("Copy the framework"), queryset=Framework.objects.none(), empty_label=None
    )
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year (B.E.)"),
        min_value=2500,
        max_value=2700,
        help_text=_(
            "The copy's rounds, the dates in its rules and its line tests' records move into this fiscal year."
        ),
    )
    code = forms.CharField(label=_("New code"), max_length=50, help_text=_CODE_HELP)
    version = forms.CharField(label=_("New version"), max_length=20, initial="1")
    title_th = forms.CharField(
        label=_("Title (Thai)"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to keep the copied title with its year changed to the chosen fiscal year."),
    )
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="clone", **kwargs)
        self.fields["framework"].queryset = Framework.objects.newest_first()  # type: ignore[attr-defined]
        self.fields["fiscal_year"].initial = fiscal_year_of(timezone.localdate())


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Framework file (YAML) or authoring workbook (Excel .xlsx)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="upload", **kwargs)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is too large: at most %(limit)d MB is accepted.") % {"limit": 2})
        return upload

    def is_workbook(self) -> bool:
        return str(self.cleaned_data["file"].name).lower().endswith(".xlsx")


# ---- numbers and dates as the document holds them ---------------------------------------------


def document_number(value: Decimal) -> int | float:
    """A number for the document: a whole number as an int (120), otherwise a float (0.5)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _same_number(old: Any, new: Decimal) -> bool:
    if isinstance(old, bool) or not isinstance(old, int | float | str):
        return False
    try:
        return Decimal(str(old)) == new
    except ArithmeticError:
        return False


def _as_date(value: Any) -> dt.date | Any:
    """An ISO date text as a date (for the Buddhist-era input); anything else as it is."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _set(target: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` unless it already holds the same value (an equal number, an equal date text)."""
    old = target.get(key)
    if isinstance(value, Decimal):
        if key in target and _same_number(old, value):
            return
        target[key] = document_number(value)
    elif isinstance(value, dt.date):
        if _as_date(old) != value:
            target[key] = value.isoformat()
    elif old != value:
        target[key] = value


def _text(document: dict[str, Any], key: str) -> str:
    value = document.get(key)
    return value if isinstance(value, str) else ""


class SummaryField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("What changed (for the revision list)"),
            max_length=300,
            required=False,
            **kwargs,
        )


class FrameworkFieldsForm(forms.Form):
    """The framework-level fields of a draft."""

    code = forms.CharField(label=_("Code"), max_length=50, help_text=_CODE_HELP)
    version = forms.CharField(label=_("Version"), max_length=20)
    title_th = forms.CharField(label=_("Title (Thai)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300)
    total_points = forms.DecimalField(label=_("Total points"), min_value=Decimal("0.5"), max_digits=7, decimal_places=2)
    max_records_per_fact = forms.IntegerField(
        label=_("Records one fact of one item may hold"),
        min_value=1,
        max_value=10_000,
        required=False,
        help_text=_("Leave empty for the default (500)."),
    )

    @classmethod
    def initial_from(cls, document: dict[str, Any]) -> dict[str, Any]:
        initial = {key: _text(document, key) for key in ("code", "version", "title_th", "title_en")}
        initial["total_points"] = document.get("total_points")
        initial["max_records_per_fact"] = document.get("max_records_per_fact")
        return initial

    def apply(self, document: dict[str, Any]) -> None:
        data = self.cleaned_data
        for key in ("code", "version", "title_th", "title_en"):
            _set(document, key, data[key].strip())
        _set(document, "total_points", data["total_points"])
        if data["max_records_per_fact"] is None:
            document.pop("max_records_per_fact", None)
        else:
            _set(document, "max_records_per_fact", data["max_records_per_fact"])


class RoundForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    title_th = forms.CharField(label=_("Title (Thai)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    starts = ThaiDateField(label=_("Work counted from"))
    cutoff = ThaiDateField(label=_("Cut-off"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, cutoff = data.get("starts"), data.get("cutoff")
        if starts and cutoff and cutoff < starts:
            raise ValidationError(_("The cut-off must not be before the first day counted."))
        return data


class AssumptionForm(forms.Form):
    id = forms.SlugField(label=_("Id"), max_length=50)
    th = forms.CharField(label=_("Thai"), widget=forms.Textarea(attrs={"rows": 2}))
    en = forms.CharField(label=_("English"), widget=forms.Textarea(attrs={"rows": 2}))


class _ListFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Entries of a list in the document, with an empty row to add one and a box to delete one."""

    #: The document's list this formset edits, and the keys its forms show.
    key = ""

    def apply(self, document: dict[str, Any]) -> None:
        """Write the list back: entries kept in their order, changed only where edited (other keys
        of an entry stay), new ones appended, deleted ones gone."""
        old = document.get(self.key)
        old_entries = old if isinstance(old, list) else []
        entries: list[Any] = []
        for index, form in enumerate(self.forms):
            if index >= len(old_entries) and not form.has_changed():
                continue  # the empty row, left empty
            if self.can_delete and self._should_delete_form(form):
                continue
            entry = old_entries[index] if index < len(old_entries) and isinstance(old_entries[index], dict) else {}
            for name in form.fields:
                if name != "DELETE":
                    value = form.cleaned_data.get(name)
                    _set(entry, name, value.strip() if isinstance(value, str) else value)
            entries.append(entry)
        if old is not None or entries:
            document[self.key] = entries

    @classmethod
    def initial_from(cls, document: dict[str, Any]) -> list[dict[str, Any]]:
        entries = document.get(cls.key)
        if not isinstance(entries, list):
            return []
        return [
            {name: _as_date(entry.get(name)) for name in cls.form.base_fields}
            for entry in entries
            if isinstance(entry, dict)
        ]


class _RoundFormSet(_ListFormSet):
    key = "rounds"


class _AssumptionFormSet(_ListFormSet):
    key = "assumptions"


RoundFormSet = forms.formset_factory(RoundForm, formset=_RoundFormSet, extra=1, can_delete=True)
AssumptionFormSet = forms.formset_factory(AssumptionForm, formset=_AssumptionFormSet, extra=1, can_delete=True)


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand: this version becomes fixed and assessments can be opened against it."),
    )


class ApplyPatchForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )


class PatchForm(forms.Form):
    source = forms.CharField(
        label=_("Framework text (YAML)"),
        widget=forms.Textarea(attrs={"rows": 30, "class": "code", "spellcheck": "false"}),
        strip=False,
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )

    def __init__(self, *args: Any, reason_required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
