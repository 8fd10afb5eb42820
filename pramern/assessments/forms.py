"""Forms of the workspace. Record forms are built from the framework's fact declarations."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from pramern.assessments.carryover import CarryPick
from pramern.assessments.carryover_page import CarryRow
from pramern.assessments.opening import OpeningPlan, ScheduleDates
from pramern.assessments.services import EvidenceRejected, NewLink, clean_url
from pramern.frameworks.models import Framework as FrameworkModel
from pramern.organizations.models import Unit
from pramern.scoring import format_points
from pramern.scoring.assessment import MAX_STAFF, staff_per_round
from pramern.scoring.model import FactSpec, Framework, Item
from pramern.scoring.numbers import NumberProblem, json_number, parse_number
from pramern.thaidates import BUDDHIST_ERA_OFFSET, MONTHS_LONG, MONTHS_SHORT, thai_month
from pramern.ui.text import bedate, tr

if TYPE_CHECKING:
    from pramern.organizations.models import Section

_NUMERIC = re.compile(r"^\s*(\d{1,4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,4})\s*$")
_THAI = re.compile(r"^\s*(\d{1,2})\s+(\S+)\s+(\d{2,4})\s*$")


def _year(value: int) -> int:
    """Buddhist-era years (2400+) and two-digit BE years (67 = 2567) become CE."""
    if value < 100:
        value += 2500
    return value - BUDDHIST_ERA_OFFSET if value >= 2400 else value


def parse_thai_date(text: str) -> dt.date | None:
    """``25/07/2567``, ``25/7/67``, ``2567-07-25``, ``25 ก.ค. 2567``, ``2024-07-25`` -> a CE date."""
    text = text.strip()
    match = _NUMERIC.match(text)
    if match:
        first, month, last = (int(g) for g in match.groups())
        day, year = (last, first) if first > 31 else (first, last)
        try:
            return dt.date(_year(year), month, day)
        except ValueError:
            return None
    match = _THAI.match(text)
    if match:
        day, name, year = match.groups()
        name = name.rstrip(".")
        for months in (MONTHS_SHORT, MONTHS_LONG):
            names = [m.rstrip(".") for m in months]
            if name in names:
                try:
                    return dt.date(_year(int(year)), names.index(name) + 1, int(day))
                except ValueError:
                    return None
    return None


def format_thai_input(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + BUDDHIST_ERA_OFFSET}"


class ThaiDateInput(forms.TextInput):
    input_type = "text"

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return format_thai_input(value)
        return super().format_value(value)


class ThaiDateField(forms.DateField):
    """A date typed in the Buddhist era (or CE), stored as the right CE date."""

    widget = ThaiDateInput(attrs={"placeholder": "วว/ดด/ปปปป (พ.ศ.)", "inputmode": "numeric", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Enter a date such as 25/07/2567 (Buddhist era) or 25 ก.ค. 2567."),
    }

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        parsed = parse_thai_date(str(value))
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


#: How far a date typed for a framework may be from its rounds: further is a mistyped era or year
#: (15/01/2570 typed as a Christian-era year, 2570 for 2567).
FRAMEWORK_DATE_MARGIN = dt.timedelta(days=366)


def check_near_rounds(day: dt.date, framework: Framework) -> None:
    """Refuse (``ValidationError``, in Thai) a date more than a year before the framework's first
    round starts or after its last round's cut-off."""
    start = framework.rounds[0].starts - FRAMEWORK_DATE_MARGIN
    end = framework.rounds[-1].cutoff + FRAMEWORK_DATE_MARGIN
    if not start <= day <= end:
        raise ValidationError(
            _("%(date)s is far from this framework's rounds (%(start)s – %(end)s); check the year (Buddhist era).")
            % {"date": bedate(day), "start": bedate(start), "end": bedate(end)},
            code="far_from_rounds",
        )


def _points_label(points: Decimal, points_if: dict[str, Decimal]) -> str:
    extras = " / ".join(format_points(p) for p in points_if.values())
    return f"{format_points(points)}" + (f" / {extras}" if extras else "")


class NumberField(forms.DecimalField):
    """A number typed by a unit: zero or more, at most 10 digits before the point and 2 after;
    NaN, infinities and exponents are refused with a Thai message and the text stays as typed."""

    default_error_messages = {
        "invalid": _("Enter a number, such as 12 or 12.5."),
        "max_digits": _("Enter a number of at most 10 digits before the decimal point."),
        "max_whole_digits": _("Enter a number of at most 10 digits before the decimal point."),
        "max_decimal_places": _("Enter at most 2 digits after the decimal point."),
        "min_value": _("Enter zero or more."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=0, max_digits=12, decimal_places=2, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        try:  # the engine's check, before Decimal reads the text: no NaN, infinity or huge exponent
            parse_number(str(value).strip())
        except NumberProblem:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)


class RecordForm(forms.Form):
    """Base of the generated record forms: date, title and note, plus the fact's own fields."""

    date = ThaiDateField(label=_("Date"))
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    #: A new key each time the empty form is shown: the same form posted twice makes one record.
    form_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    #: The version of the record the edit form was loaded with (``services.RecordConflict``).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    fact: FactSpec
    #: The framework and the unit's staff per round as the engine reads them (a round left empty
    #: takes the previous round's count): a count of staff (``maximum: staff``) may not exceed
    #: the staff of the round its date falls in.
    framework: Framework | None = None
    staff_counts: dict[str, int] = {}
    #: The framework's year (first round's start .. last cut-off): a date outside it counts for
    #: nothing and is almost always a mistyped year (2570 for 2567).
    period: tuple[dt.date, dt.date] | None = None

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        if self.period and not (self.period[0] <= day <= self.period[1]):
            raise ValidationError(
                _("%(date)s is outside the assessment year (%(start)s – %(end)s); check the year.")
                % {"date": bedate(day), "start": bedate(self.period[0]), "end": bedate(self.period[1])}
            )
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        day = cleaned.get("date")
        covers = cleaned.get("covers")
        if self.fact.type == "periodic" and day and covers and covers > f"{day.year:04d}-{day.month:02d}":
            self.add_error("covers", _("A report covers a month that has begun by its date."))
        value = cleaned.get("value")
        if self.fact.type == "measurement" and value is not None and day:
            self.check_maximum(value, day)
        return cleaned

    def check_maximum(self, value: Decimal, day: dt.date) -> None:
        """The fact's declared maximum: a number, or the staff count of the record's round."""
        if self.fact.maximum is not None and value > self.fact.maximum:
            self.add_error("value", _("Enter at most %(max)s.") % {"max": format_points(self.fact.maximum)})
        if self.fact.at_most_staff and self.framework is not None:
            rnd = self.framework.round_for(day)
            staff = self.staff_counts.get(rnd.code)
            if isinstance(staff, int) and value > staff:
                self.add_error(
                    "value",
                    _("%(value)s is more than the unit's staff in the %(round)s (%(staff)s people).")
                    % {"value": format_points(value), "round": tr(rnd.title), "staff": staff},
                )

    def record_fields(self) -> dict[str, Any]:
        """What ``services.save_record`` takes from the form: the date, data, title and note."""
        cleaned = self.cleaned_data
        return {"date": cleaned["date"], "data": self.record_data(), "title": cleaned["title"], "note": cleaned["note"]}

    def record_data(self) -> dict[str, Any]:
        """The record's fields in the assessment file format."""
        data: dict[str, Any] = {}
        cleaned = self.cleaned_data
        for name, spec in self.fact.fields.items():
            value = cleaned.get(name)
            if spec.kind == "flag":
                if value:
                    data[name] = True
            elif spec.kind == "number":
                if value is not None:
                    data[name] = json_number(value)
            elif value not in (None, ""):
                data[name] = value
        if self.fact.type == "measurement":
            data["value"] = json_number(cleaned["value"])
        elif self.fact.type == "choice":
            data["option"] = cleaned["option"]
        elif self.fact.type == "periodic":
            day = cleaned["date"]
            data["covers"] = cleaned.get("covers") or f"{day.year:04d}-{day.month:02d}"
        elif self.fact.type == "judgement":
            data["claimed"] = json_number(Decimal(cleaned["claimed"]))
        return data


def record_form_classes(
    framework: Framework, sections: Iterable[Section], item: Item, staff_counts: dict[str, int]
) -> dict[str, type[RecordForm]]:
    """Fact name -> its record form class, for an item of a unit with these sections."""
    choices = [(s.code, s.name_th) for s in sections]
    period = (framework.rounds[0].starts, framework.rounds[-1].cutoff)
    months = months_between(*period)
    return {
        name: record_form_class(fact, choices, months, period, framework=framework, staff_counts=staff_counts)
        for name, fact in item.facts.items()
    }


def record_form_class(
    fact: FactSpec,
    sections: list[tuple[str, str]],
    months: list[tuple[str, str]],
    period: tuple[dt.date, dt.date] | None = None,
    *,
    framework: Framework | None = None,
    staff_counts: dict[str, int] | None = None,
) -> type[RecordForm]:
    """A form for one fact: the framework decides its fields, so next year needs no code."""
    fields: dict[str, forms.Field] = {}
    for name, spec in fact.fields.items():
        label = tr(spec.label)
        if spec.kind == "flag":
            fields[name] = forms.BooleanField(label=label, required=False)
        elif spec.kind == "choice":
            choices = [("", "—"), *((code, tr(text)) for code, text in spec.choices.items())]
            fields[name] = forms.ChoiceField(label=label, choices=choices, required=spec.required)
        elif spec.kind == "section":
            fields[name] = forms.ChoiceField(label=label, choices=[("", "—"), *sections], required=True)
        elif spec.kind == "number":
            fields[name] = NumberField(label=label, required=False)
        else:
            fields[name] = forms.CharField(label=label, max_length=300, required=spec.required)
    if fact.type == "measurement":
        fields["value"] = NumberField(label=_("Number"))
    elif fact.type == "choice":
        options = [
            (code, f"{tr(option.label)} ({_points_label(option.points, dict(option.points_if))})")
            for code, option in fact.options.items()
        ]
        fields["option"] = forms.ChoiceField(label=_("Choice"), choices=[("", "—"), *options])
    elif fact.type == "periodic":
        fields["covers"] = forms.ChoiceField(label=_("Month reported on"), choices=[("", "—"), *months], required=False)
    elif fact.type == "judgement":
        step = fact.step or Decimal("0.5")
        maximum = fact.maximum or Decimal(0)
        steps = []
        value = fact.minimum
        while value <= maximum:
            steps.append((format_points(value), format_points(value)))
            value += step
        fields["claimed"] = forms.ChoiceField(label=_("Points claimed"), choices=steps)
    fields["note"] = forms.CharField(
        label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    attrs: dict[str, Any] = {
        **fields,
        "fact": fact,
        "period": period,
        "framework": framework,
        "staff_counts": staff_per_round(framework, staff_counts or {}) if framework is not None else {},
    }
    return type(f"RecordForm_{fact.name}", (RecordForm,), attrs)


def initial_for(record: Any) -> dict[str, Any]:
    """Form values of an existing record."""
    initial = {
        "date": record.date,
        "title": record.title,
        "note": record.note,
        "version": record.version,
        **record.data,
    }
    if "claimed" in initial:
        try:  # stored data may no longer validate (then it is shown as stored, to be corrected)
            claimed = parse_number(initial["claimed"])
        except NumberProblem:
            pass
        else:
            initial["claimed"] = format_points(Decimal(claimed.numerator) / Decimal(claimed.denominator))
    return initial


@dataclass(frozen=True)
class Difference:
    """One field of a record: its label, the value saved now and the value typed in a form."""

    label: str
    saved: str
    typed: str

    @property
    def differs(self) -> bool:
        return self.saved != self.typed


def compare_with_saved(form: RecordForm, saved: Any) -> list[Difference]:
    """Each field of a bound record form beside the saved record's value, as a person reads them
    (a save that met someone else's change shows both, so that nothing typed is lost)."""
    as_saved = type(form)(initial=initial_for(saved), prefix=form.prefix)
    return [
        Difference(
            str(field.label), _shown(field.field, as_saved[field.name].value()), _shown(field.field, field.value())
        )
        for field in form.visible_fields()
    ]


def _shown(field: forms.Field, value: Any) -> str:
    try:
        value = field.to_python(value)
    except ValidationError:
        return str(value)
    if isinstance(field, forms.BooleanField):
        return str(_("yes") if value else _("no"))
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(str(value), value) if value not in (None, "") else "—")
    if isinstance(value, dt.date):
        return bedate(value)
    if isinstance(value, Decimal):
        return format_points(value)
    return "" if value is None else str(value)


def months_between(start: dt.date, end: dt.date) -> list[tuple[str, str]]:
    """``[("2023-08", "ส.ค. 2566"), …]`` for a covers-month select."""
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append((f"{year:04d}-{month:02d}", thai_month(year, month)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (``<input type=file multiple>``); each is checked by the
    service, which names every refused file."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        chosen = [f for f in files if f]
        if self.required and not chosen:
            raise ValidationError(self.error_messages["required"], code="required")
        return chosen


class NewEvidenceForm(forms.Form):
    """The files and links typed with a record, saved with it in one step. The links come before
    the files in the form: a body stopped at the size limit keeps every field typed before its
    first file."""

    links = forms.CharField(
        label=_("Links"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "https://"}),
        help_text=_("One link per line; a title may follow the link after a space."),
    )
    files = MultipleFileField(label=_("Files"), required=False)

    def clean_links(self) -> list[NewLink]:
        links, problems = [], []
        for number, line in enumerate(self.cleaned_data["links"].splitlines(), start=1):
            url, _space, title = line.strip().partition(" ")
            if not url:
                continue
            try:
                links.append(NewLink(clean_url(url), title.strip()[:300]))
            except EvidenceRejected as exc:
                problems.append(
                    _("Line %(line)d (%(url)s): %(reason)s") % {"line": number, "url": url, "reason": exc.message}
                )
        if problems:
            raise ValidationError(problems)
        return links

    def new_evidence(self) -> dict[str, Any]:
        """What ``services.save_record_with_evidence`` takes from this form."""
        return {"files": self.cleaned_data["files"], "links": self.cleaned_data["links"]}


class FileEvidenceForm(forms.Form):
    file = MultipleFileField(label=_("File"))
    title = forms.CharField(label=_("Title"), max_length=300, required=False)


class LinkEvidenceForm(forms.Form):
    url = forms.CharField(label=_("Link (URL)"), max_length=2000)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)


class AttachEvidenceForm(forms.Form):
    evidence = forms.TypedChoiceField(label=_("Evidence already added"), coerce=int)


class AssignForm(forms.Form):
    """Whom to give an item to: a person's id, or empty for nobody (``services.assign_item``
    checks that they are of the unit, with its own message)."""

    assignee = forms.IntegerField(label=_("Assigned to"), required=False, min_value=1)


class ReuseEvidenceForm(forms.Form):
    """The record a piece of evidence of the library is to support too."""

    record = forms.TypedChoiceField(label=_("Record"), coerce=int, error_messages={"required": _("Choose a record.")})

    def __init__(self, *args: Any, choices: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["record"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(pk, pk) for pk in choices]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Assessment file (YAML or JSON)"))


# --------------------------------------------------------------------------- staff counts


def staff_count_fields(framework: Framework) -> dict[str, forms.Field]:
    """One whole-number field per round (``staff_R6``, ``staff_R12``…): the first is required;
    a round left empty takes the previous round's count."""
    return {
        f"staff_{rnd.code}": forms.IntegerField(
            label=tr(rnd.title),
            min_value=1,
            max_value=MAX_STAFF,
            required=index == 0,
            help_text="" if index == 0 else _("Leave empty to use the previous round's count."),
        )
        for index, rnd in enumerate(framework.rounds)
    }


def staff_counts_of(cleaned: dict[str, Any], framework: Framework) -> dict[str, int]:
    """The counts typed in a form with ``staff_count_fields``, as stored: {"R6": 40, …}."""
    fields = ((rnd.code, cleaned.get(f"staff_{rnd.code}")) for rnd in framework.rounds)
    return {code: value for code, value in fields if value is not None}


def staff_initial(counts: dict[str, int]) -> dict[str, int]:
    return {f"staff_{code}": value for code, value in counts.items()}


class StaffCountsForm(forms.Form):
    """The unit's staff per round, one field per round of its framework."""

    def __init__(self, *args: Any, framework: Framework, counts: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, initial=staff_initial(counts), **kwargs)
        self.framework = framework
        self.fields.update(staff_count_fields(framework))

    def counts(self) -> dict[str, int]:
        return staff_counts_of(self.cleaned_data, self.framework)


# --------------------------------------------------------------------------- opening a year


def _framework_choice(framework: FrameworkModel) -> str:
    opened = getattr(framework, "units_opened", 0)
    label = f"{framework.year_label}: {framework.title} ({framework})"
    if opened:
        label += " · " + str(_("opened for %(count)d units") % {"count": opened})
    return label


class OpenYearChoiceForm(forms.Form):
    """Step 1 of opening a year: the framework and the units (all active units by default)."""

    framework = forms.ModelChoiceField(queryset=FrameworkModel.objects.none(), label=_("Framework"), empty_label=None)
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(), label=_("Units"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        framework_field = self.fields["framework"]
        assert isinstance(framework_field, forms.ModelChoiceField)
        framework_field.queryset = FrameworkModel.objects.openable().annotate(units_opened=Count("assessments"))
        framework_field.label_from_instance = _framework_choice
        units_field = self.fields["units"]
        assert isinstance(units_field, forms.ModelMultipleChoiceField)
        units_field.queryset = Unit.objects.filter(is_active=True).order_by("code")
        if not self.is_bound:
            self.initial.setdefault("units", list(units_field.queryset))


class OpenYearForm(forms.Form):
    """Step 2: each round's dates (Buddhist era) and each unit's staff per round, pre-filled."""

    def __init__(self, *args: Any, plan: OpeningPlan, **kwargs: Any) -> None:
        initial = {}
        for rp in plan.rounds:
            initial[f"opens_{rp.round.code}"] = rp.dates.opens_on
            initial[f"deadline_{rp.round.code}"] = rp.dates.deadline
        for opening in plan.to_open:
            for code, count in opening.staff_counts.items():
                initial[f"staff_{opening.unit.pk}_{code}"] = count
        super().__init__(*args, initial=initial, **kwargs)
        self.plan = plan
        for rp in plan.rounds:
            title = tr(rp.round.title)
            self.fields[f"opens_{rp.round.code}"] = ThaiDateField(
                label=_("%(round)s opens on") % {"round": title}, required=False
            )
            self.fields[f"deadline_{rp.round.code}"] = ThaiDateField(
                label=_("%(round)s: submission deadline") % {"round": title}
            )
        for opening in plan.to_open:
            for index, rnd in enumerate(plan.compiled.rounds):
                self.fields[f"staff_{opening.unit.pk}_{rnd.code}"] = forms.IntegerField(
                    label=f"{opening.unit.name}: {tr(rnd.title)}", min_value=1, max_value=MAX_STAFF, required=index == 0
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in list(cleaned.items()):
            if isinstance(value, dt.date):
                try:
                    check_near_rounds(value, self.plan.compiled)
                except ValidationError as exc:
                    self.add_error(name, exc)
        return cleaned

    def schedule_rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        """(round plan, opens-on field, deadline field) per round, for the table."""
        return [(rp, self[f"opens_{rp.round.code}"], self[f"deadline_{rp.round.code}"]) for rp in self.plan.rounds]

    def staff_rows(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """(unit opening, its staff fields in round order) per unit to open, for the table."""
        return [
            (opening, [self[f"staff_{opening.unit.pk}_{rnd.code}"] for rnd in self.plan.compiled.rounds])
            for opening in self.plan.to_open
        ]

    def schedules(self) -> dict[str, ScheduleDates]:
        return {
            rp.round.code: ScheduleDates(
                self.cleaned_data.get(f"opens_{rp.round.code}"), self.cleaned_data[f"deadline_{rp.round.code}"]
            )
            for rp in self.plan.rounds
        }

    def staff_counts(self) -> dict[int, dict[str, int]]:
        out = {}
        for opening in self.plan.to_open:
            values = (
                (rnd.code, self.cleaned_data.get(f"staff_{opening.unit.pk}_{rnd.code}"))
                for rnd in self.plan.compiled.rounds
            )
            out[opening.unit.pk] = {code: value for code, value in values if value is not None}
        return out


# --------------------------------------------------------------------------- carry-over


class CarryOverForm(forms.Form):
    """One row per record that can be copied: tick it, its new date (today by default), and
    whether its evidence comes too."""

    def __init__(self, *args: Any, rows: Iterable[CarryRow], today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = [row for row in rows if row.transferable]
        for row in self.rows:
            pk = row.record.pk
            self.fields[f"pick_{pk}"] = forms.BooleanField(required=False, label=_("Copy"))
            self.fields[f"date_{pk}"] = ThaiDateField(required=False, initial=today, label=_("Date of the copy"))
            self.fields[f"evidence_{pk}"] = forms.BooleanField(
                required=False, initial=bool(row.evidence), label=_("with its evidence")
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(f"pick_{row.record.pk}") for row in self.rows):
            raise ValidationError(_("Tick the records to copy."), code="none")
        for row in self.rows:
            pk = row.record.pk
            if cleaned.get(f"pick_{pk}") and not cleaned.get(f"date_{pk}") and f"date_{pk}" not in self.errors:
                self.add_error(f"date_{pk}", _("Give the date of the copy."))
        return cleaned

    @property
    def bound_fields(self) -> dict[int, tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        """Record id -> its (copy, date, evidence) fields, for the table."""
        return {pk: (self[f"pick_{pk}"], self[f"date_{pk}"], self[f"evidence_{pk}"]) for pk in self._pks}

    @property
    def _pks(self) -> list[int]:
        return [row.record.pk for row in self.rows]

    def picks(self) -> list[CarryPick]:
        return [
            CarryPick(
                row.record.pk,
                self.cleaned_data[f"date_{row.record.pk}"],
                bool(self.cleaned_data.get(f"evidence_{row.record.pk}")),
            )
            for row in self.rows
            if self.cleaned_data.get(f"pick_{row.record.pk}")
        ]
