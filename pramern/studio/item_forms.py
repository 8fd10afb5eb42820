"""Forms of the studio's item editor: an item's texts, a fact, a line (with the condition builder),
and the tree's operations. Each turns what was typed into the dict an edit of
``pramern.studio.edits`` takes; a form with an error is shown again with what was typed."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pramern.scoring.model import FactSpec
from pramern.scoring.numbers import NumberProblem, parse_number
from pramern.scoring.yamlio import SyntaxProblem, dump_framework, load_text
from pramern.studio import conditions, edits


class ItemTextsForm(forms.Form):
    """An item's titles, points, guidance, source note, and its evidence examples and assumptions
    (a pair or triple of fields each, and one empty set more to add one; an emptied set is dropped)."""

    title_th = forms.CharField(label=_("Title (Thai)"), max_length=1000)
    title_en = forms.CharField(label=_("Title (English)"), max_length=1000)
    points = forms.DecimalField(label=_("Points"), min_value=0, max_digits=8, decimal_places=2)
    guidance_th = forms.CharField(label=_("Guidance (Thai)"), widget=forms.Textarea(attrs={"rows": 6}))
    guidance_en = forms.CharField(label=_("Guidance (English)"), widget=forms.Textarea(attrs={"rows": 6}))
    source_note_th = forms.CharField(
        label=_("Source note (Thai)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    source_note_en = forms.CharField(
        label=_("Source note (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, evidence: int = 0, assumptions: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:  # as many as were sent (one was added on the page, say), at most 200
            evidence = max(evidence, min(200, _sent(self.data, "evidence_th_")))
            assumptions = max(assumptions, min(200, _sent(self.data, "assumption_th_")))
        self.evidence_count = evidence + 1
        self.assumption_count = assumptions + 1
        text = {"required": False, "max_length": 5000}
        for n in range(self.evidence_count):
            self.fields[f"evidence_th_{n}"] = forms.CharField(
                label=_("Evidence example %(number)d (Thai)") % {"number": n + 1},
                widget=forms.Textarea(attrs={"rows": 2}),
                **text,
            )
            self.fields[f"evidence_en_{n}"] = forms.CharField(
                label=_("Evidence example %(number)d (English)") % {"number": n + 1},
                widget=forms.Textarea(attrs={"rows": 2}),
                **text,
            )
        for n in range(self.assumption_count):
            self.fields[f"assumption_id_{n}"] = forms.CharField(
                label=_("Assumption %(number)d: id") % {"number": n + 1}, required=False, max_length=100
            )
            self.fields[f"assumption_th_{n}"] = forms.CharField(
                label=_("Assumption %(number)d (Thai)") % {"number": n + 1},
                widget=forms.Textarea(attrs={"rows": 2}),
                **text,
            )
            self.fields[f"assumption_en_{n}"] = forms.CharField(
                label=_("Assumption %(number)d (English)") % {"number": n + 1},
                widget=forms.Textarea(attrs={"rows": 2}),
                **text,
            )

    @classmethod
    def initial_for(cls, item: dict[str, Any]) -> dict[str, Any]:
        note = item.get("source_note") or {}
        initial = {
            "title_th": item.get("title_th", ""),
            "title_en": item.get("title_en", ""),
            "points": item.get("points"),
            "guidance_th": item.get("guidance_th", ""),
            "guidance_en": item.get("guidance_en", ""),
            "source_note_th": note.get("th", ""),
            "source_note_en": note.get("en", ""),
        }
        for n, entry in enumerate(item.get("evidence") or []):
            initial[f"evidence_th_{n}"], initial[f"evidence_en_{n}"] = entry.get("th", ""), entry.get("en", "")
        for n, entry in enumerate(item.get("assumptions") or []):
            for key in ("id", "th", "en"):
                initial[f"assumption_{key}_{n}"] = entry.get(key, "")
        return initial

    @classmethod
    def for_item(cls, item: dict[str, Any], data: Any = None) -> ItemTextsForm:
        """The form for an item: bound to ``data``, or showing the item's texts."""
        counts = {"evidence": len(item.get("evidence") or []), "assumptions": len(item.get("assumptions") or [])}
        if data is not None:
            return cls(data, **counts)
        return cls(initial=cls.initial_for(item), **counts)

    def values(self) -> dict[str, Any]:
        """The keyword arguments of ``edits.set_texts``."""
        data = self.cleaned_data
        evidence = [
            {"th": data[f"evidence_th_{n}"], "en": data[f"evidence_en_{n}"]} for n in range(self.evidence_count)
        ]
        assumptions = [
            {key: data[f"assumption_{key}_{n}"] for key in ("id", "th", "en")} for n in range(self.assumption_count)
        ]
        return {
            "title_th": data["title_th"],
            "title_en": data["title_en"],
            "points": str(data["points"]),
            "guidance_th": data["guidance_th"],
            "guidance_en": data["guidance_en"],
            "evidence": evidence,
            "source_note": {"th": data["source_note_th"], "en": data["source_note_en"]},
            "assumptions": assumptions,
        }


def _sent(data: Any, prefix: str) -> int:
    """How many numbered fields with ``prefix`` were sent (the highest number + 1)."""
    numbers = [int(key[len(prefix) :]) for key in data if key.startswith(prefix) and key[len(prefix) :].isdecimal()]
    return max(numbers, default=-1) + 1


class FieldRowForm(forms.Form):
    """One field a unit fills in on each record of a fact (an empty row is left out)."""

    name = forms.RegexField(
        label=_("Field name"),
        regex=r"^[A-Za-z_][A-Za-z0-9_]*$",
        max_length=60,
        required=False,
        error_messages={"invalid": _("Use English letters, digits and _ (such as followups).")},
    )
    type = forms.ChoiceField(
        label=_("Field type"),
        required=False,
        choices=[
            ("", "—"),
            ("flag", _("flag (yes/no)")),
            ("choice", _("choice (one of the choices)")),
            ("section", _("section of the unit")),
            ("number", _("number")),
            ("text", _("text")),
        ],
    )
    th = forms.CharField(label=_("Label (Thai)"), max_length=500, required=False)
    en = forms.CharField(label=_("Label (English)"), max_length=500, required=False)
    required = forms.BooleanField(label=_("Required"), required=False)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        help_text=_("One choice a line: key | Thai | English"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("name") and not data.get("type"):
            self.add_error("type", _("Choose the field's type."))
        choices: dict[str, dict[str, str]] = {}
        for number, line in enumerate((data.get("choices") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != 3 or not parts[0]:
                self.add_error("choices", _("Line %(line)d: write key | Thai | English.") % {"line": number})
                break
            choices[parts[0]] = {"th": parts[1], "en": parts[2]}
        data["choices"] = choices
        return data


class OptionRowForm(forms.Form):
    """One option of a choice fact with its points (an empty row is left out)."""

    code = forms.RegexField(
        label=_("Option code"),
        regex=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$",
        max_length=60,
        required=False,
        error_messages={"invalid": _("Use English letters, digits and _ (such as followups).")},
    )
    th = forms.CharField(label=_("Label (Thai)"), max_length=500, required=False)
    en = forms.CharField(label=_("Label (English)"), max_length=500, required=False)
    points = forms.CharField(label=_("Points"), max_length=30, required=False)
    points_if = forms.CharField(
        label=_("Points when a flag is set"),
        required=False,
        max_length=500,
        help_text=_("flag=points, separated by commas (such as related_to_mission=2)"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("code"):
            return data
        try:
            data["points"] = edits.number(data.get("points", ""), str(_("Points")))
            points_if = {}
            for part in (data.get("points_if") or "").split(","):
                if part.strip():
                    flag, sep, value = part.partition("=")
                    if not sep or not flag.strip():
                        raise edits.EditError(_("Write flag=points, such as related_to_mission=2."))
                    points_if[flag.strip()] = edits.number(value, flag.strip())
            data["points_if"] = points_if
        except edits.EditError as exc:
            raise forms.ValidationError(exc.message) from None
        return data


FieldFormSet = forms.formset_factory(FieldRowForm, extra=1, max_num=100, absolute_max=100)
OptionFormSet = forms.formset_factory(OptionRowForm, extra=1, max_num=100, absolute_max=100)


class FactForm(forms.Form):
    """A fact of an item: its name, type, labels and help, with a row per field and per option."""

    name = forms.RegexField(
        label=_("Name (used in rules)"),
        regex=r"^[A-Za-z_][A-Za-z0-9_]*$",
        max_length=60,
        error_messages={"invalid": _("Use English letters, digits and _ (such as followups).")},
    )
    type = forms.ChoiceField(
        label=_("Fact type"),
        choices=[
            ("event", _("event (a dated occurrence)")),
            ("measurement", _("measurement (a dated number)")),
            ("choice", _("choice (one of the options, with points)")),
            ("periodic", _("periodic (a report covering a month)")),
            ("judgement", _("judgement (a value the evaluator verifies)")),
        ],
    )
    th = forms.CharField(label=_("Label (Thai)"), max_length=500)
    en = forms.CharField(label=_("Label (English)"), max_length=500)
    help_th = forms.CharField(label=_("Help (Thai)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    help_en = forms.CharField(label=_("Help (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    cumulative = forms.BooleanField(label=_("Cumulative (a measurement that only grows)"), required=False)
    maximum = forms.CharField(
        label=_("Maximum (measurement, judgement)"),
        required=False,
        help_text=_("A number, or staff for a count of staff"),
    )
    step = forms.CharField(label=_("Step (judgement)"), required=False)

    def __init__(self, data: Any = None, *, fact: dict[str, Any] | None = None, **kwargs: Any) -> None:
        """``fact``: the fact as saved (what the rows show, and which defaults it spelled out)."""
        super().__init__(data, **kwargs)
        self.old = fact or {}
        fields = self.old.get("fields") or {}
        options = self.old.get("options") or {}
        field_rows = [
            {
                "name": name,
                "type": spec.get("type", ""),
                "th": spec.get("th", ""),
                "en": spec.get("en", ""),
                "required": bool(spec.get("required", spec.get("type") == "section")),
                "choices": "\n".join(
                    f"{key} | {label.get('th', '')} | {label.get('en', '')}"
                    for key, label in (spec.get("choices") or {}).items()
                ),
            }
            for name, spec in fields.items()
        ]
        option_rows = [
            {
                "code": code,
                "th": spec.get("th", ""),
                "en": spec.get("en", ""),
                "points": spec.get("points", ""),
                "points_if": ", ".join(f"{flag}={value}" for flag, value in (spec.get("points_if") or {}).items()),
            }
            for code, spec in options.items()
        ]
        self.field_rows = FieldFormSet(data, prefix="field", initial=None if data is not None else field_rows)
        self.option_rows = OptionFormSet(data, prefix="option", initial=None if data is not None else option_rows)

    @classmethod
    def initial_for(cls, name: str, fact: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": name,
            **{key: fact.get(key, "") for key in ("type", "th", "en", "help_th", "help_en")},
            "cumulative": bool(fact.get("cumulative")),
            "maximum": fact.get("maximum", ""),
            "step": fact.get("step", ""),
        }

    def is_valid(self) -> bool:
        main = super().is_valid()
        return main and self.field_rows.is_valid() and self.option_rows.is_valid()

    def fact(self) -> dict[str, Any]:
        """The fact as the framework file writes it (``edits`` drops what is empty)."""
        data = self.cleaned_data
        fact = {key: data[key] for key in ("type", "th", "en", "help_th", "help_en", "cumulative", "maximum", "step")}
        old_fields = self.old.get("fields") or {}
        fields: dict[str, Any] = {}
        for row in self.field_rows.cleaned_data:
            if not row or not row.get("name"):
                continue
            spec: dict[str, Any] = {"type": row["type"], "th": row["th"], "en": row["en"]}
            old = old_fields.get(row["name"]) or {}
            # ``required`` is written when it differs from the default (a section is required) or was written
            if row["required"] != (row["type"] == "section") or "required" in old:
                spec["required"] = row["required"]
            if row["choices"]:
                spec["choices"] = row["choices"]
            fields[row["name"]] = edits.ordered(spec, old, edits.FIELD_KEYS)
        options: dict[str, Any] = {}
        old_options = self.old.get("options") or {}
        for row in self.option_rows.cleaned_data:
            if not row or not row.get("code"):
                continue
            spec = {"th": row["th"], "en": row["en"], "points": row["points"]}
            if row["points_if"]:
                spec["points_if"] = row["points_if"]
            options[row["code"]] = edits.ordered(spec, old_options.get(row["code"]), edits.OPTION_KEYS)
        fact["fields"], fact["options"] = fields, options
        return fact


OPERATORS = [(">=", "≥"), (">", ">"), ("==", "=")]
SHAPE_LABELS = [
    ("count", _("count of records (with these flags/choices) ≥ N")),
    ("latest", _("latest number of a measurement ≥ N")),
    ("percent", _("percent of staff > or ≥ P")),
    ("every_month", _("every month between two months")),
    ("every_quarter", _("every quarter between two months")),
    ("every_section", _("every section with N records")),
    ("best", _("best option (points from the option)")),
]


class LineForm(forms.Form):
    """A scoring line: id, round, fixed points with a condition or points from a rule, texts;
    with the condition builder's fields (used when the builder's button is pressed)."""

    id = forms.RegexField(
        label=_("Line id"),
        regex=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
        max_length=60,
        error_messages={"invalid": _("Use English letters, digits, - and _ (such as second-presented).")},
    )
    round = forms.ChoiceField(label=_("Round"))
    kind = forms.ChoiceField(
        label=_("How the line scores"),
        choices=[("when", _("fixed points when the condition holds")), ("points_from", _("points from a rule"))],
        widget=forms.RadioSelect,
    )
    points = forms.DecimalField(label=_("Points"), required=False, min_value=0, max_digits=8, decimal_places=2)
    when = forms.CharField(
        label=_("Condition (when)"), required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "code rule"})
    )
    points_from = forms.CharField(
        label=_("Points from"), required=False, widget=forms.TextInput(attrs={"class": "code rule"})
    )
    assumed = forms.BooleanField(label=_("The round or rule is an assumption"), required=False)
    th = forms.CharField(label=_("What the line awards (Thai)"), max_length=1000)
    en = forms.CharField(label=_("What the line awards (English)"), max_length=1000)
    missing_th = forms.CharField(label=_("What is missing when not earned (Thai)"), max_length=1000)
    missing_en = forms.CharField(label=_("What is missing when not earned (English)"), max_length=1000)

    # the condition builder
    shape = forms.ChoiceField(label=_("Shape of the condition"), choices=SHAPE_LABELS, required=False)
    fact = forms.ChoiceField(label=_("Fact for the builder"), required=False)
    terms = forms.MultipleChoiceField(label=_("Records with"), required=False, widget=forms.CheckboxSelectMultiple)
    op = forms.ChoiceField(label=_("Comparison"), choices=OPERATORS, required=False)
    number = forms.DecimalField(label=_("N or P"), required=False, min_value=0, max_digits=8, decimal_places=2)
    first_month = forms.RegexField(label=_("From month (YYYY-MM, CE)"), regex=r"^\d{4}-\d{2}$", required=False)
    last_month = forms.RegexField(label=_("To month (YYYY-MM, CE)"), regex=r"^\d{4}-\d{2}$", required=False)
    combine = forms.ChoiceField(
        label=_("With the condition already written"),
        choices=[("replace", _("replace it")), ("and", _("and (both)")), ("or", _("or (either)"))],
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        rounds: list[str],
        facts: dict[str, FactSpec],
        item_points: Decimal | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.facts = facts
        self.item_points = item_points
        self.fields["round"].choices = [(code, code) for code in rounds]
        self.fields["fact"].choices = [(name, f"{name} ({fact.label.th})") for name, fact in facts.items()]
        self.fields["terms"].choices = [
            (_term_key(name, term), f"{name}: {_term_label(fact, term)}")
            for name, fact in facts.items()
            for term in conditions.terms_for(fact)
        ]
        self.check: conditions.Check | None = None

    def _group(self, names: tuple[str, ...]) -> list[forms.BoundField]:
        return [self[name] for name in names]

    @property
    def main_fields(self) -> list[forms.BoundField]:
        return self._group(("id", "round", "kind", "points"))

    @property
    def rule_fields(self) -> list[forms.BoundField]:
        return self._group(("when", "points_from"))

    @property
    def builder_fields(self) -> list[forms.BoundField]:
        return self._group(("shape", "fact", "terms", "op", "number", "first_month", "last_month", "combine"))

    @property
    def text_fields(self) -> list[forms.BoundField]:
        return self._group(("assumed", "th", "en", "missing_th", "missing_en"))

    @classmethod
    def initial_for(cls, line: dict[str, Any]) -> dict[str, Any]:
        initial = {key: line.get(key, "") for key in edits.LINE_KEYS}
        initial["kind"] = "points_from" if "points_from" in line else "when"
        initial["assumed"] = bool(line.get("assumed"))
        initial["combine"] = "replace"
        shape = conditions.recognise(str(line.get("points_from") or line.get("when") or ""))
        initial.update(_builder_initial(shape))
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind == "when":
            if data.get("points") in (None, ""):
                self.add_error("points", _("Give the points of the line."))
            elif data["points"] <= 0:
                self.add_error("points", _("A line must give more than zero points."))
            field_name = "when"
        else:
            field_name = "points_from"
        source = (data.get(field_name) or "").strip()
        if kind and not source:
            self.add_error(field_name, _("Write the rule (or build it below)."))
        elif kind:
            self.check = conditions.check(
                source, self.facts, kind=kind, points=data.get("points"), item_points=self.item_points
            )
            if not self.check.ok:
                self.add_error(field_name, self.check.message)
        return data

    def line(self) -> dict[str, Any]:
        data = self.cleaned_data
        line: dict[str, Any] = {"id": data["id"], "round": data["round"]}
        if data["kind"] == "when":
            line["points"] = str(data["points"])
        else:
            line["points_from"] = data["points_from"]
        line["assumed"] = data["assumed"]
        if data["kind"] == "when":
            line["when"] = data["when"]
        for key in ("th", "en", "missing_th", "missing_en"):
            line[key] = data[key]
        return line

    def built(self) -> str:
        """The builder's rule (combined with the condition already written), or ``ValidationError``."""
        raw = self.data
        shape_name = raw.get("shape", "")
        fact = raw.get("fact", "")
        if fact not in self.facts:
            raise forms.ValidationError(_("Choose a fact for the builder."))
        spec = self.facts[fact]
        if shape_name not in conditions.shapes_for(spec):
            raise forms.ValidationError(_("The shape chosen does not fit a %(type)s fact."), params={"type": spec.type})
        terms = tuple(_term_from_key(key)[1] for key in raw.getlist("terms") if _term_from_key(key)[0] == fact)
        try:
            number = parse_number(str(raw.get("number") or "1").strip())
            op = raw.get("op") or ">="
            shape: conditions.Shape
            if shape_name == "count":
                shape = conditions.Count(fact, terms, op, _exact(number))
            elif shape_name == "latest":
                shape = conditions.Latest(fact, op, _exact(number))
            elif shape_name == "percent":
                shape = conditions.PercentOfStaff(fact, op if op in (">", ">=") else ">", _exact(number))
            elif shape_name in ("every_month", "every_quarter"):
                cls = conditions.EveryMonth if shape_name == "every_month" else conditions.EveryQuarter
                shape = cls(fact, raw.get("first_month", ""), raw.get("last_month", ""))
            elif shape_name == "every_section":
                shape = conditions.EverySection(fact, _exact(number), terms)
            else:
                shape = conditions.Best(fact)
            text = conditions.build(shape)
        except (ValueError, ArithmeticError, NumberProblem):
            raise forms.ValidationError(_("The builder needs a number and, for months, YYYY-MM.")) from None
        if shape_name == "best":
            return text
        combine = raw.get("combine", "replace")
        current = raw.get("when", "")
        return conditions.combine(current, text, combine) if combine in ("and", "or") else text


def _exact(number: int | Fraction) -> int | Fraction:
    if number < 0:
        raise ValueError("a count or a percentage is zero or more")
    return number


def _term_key(fact: str, term: conditions.Term) -> str:
    return f"{fact}:{term.field}" + (f"={term.value}" if term.value is not None else "")


def _term_from_key(key: str) -> tuple[str, conditions.Term]:
    fact, _sep, rest = key.partition(":")
    name, sep, value = rest.partition("=")
    return fact, conditions.Term(name, value if sep else None)


def _term_label(fact: FactSpec, term: conditions.Term) -> str:
    if term.value is None:
        spec = fact.fields.get(term.field)
        return spec.label.th if spec is not None else term.field
    if term.field == "option":
        option = fact.options.get(term.value)
        return option.label.th if option is not None else term.value
    spec = fact.fields.get(term.field)
    choice = spec.choices.get(term.value) if spec is not None else None
    return f"{spec.label.th if spec else term.field} = {choice.th if choice else term.value}"


def _builder_initial(shape: conditions.Shape | None) -> dict[str, Any]:
    """The builder's fields for a recognised simple shape (a combination leaves them empty)."""
    if shape is None or isinstance(shape, conditions.AllOf | conditions.AnyOf):
        return {}
    names = {cls: name for name, cls in conditions.SHAPES.items()}
    initial: dict[str, Any] = {"shape": names[type(shape)], "fact": shape.fact}
    terms = getattr(shape, "terms", ())
    initial["terms"] = [_term_key(shape.fact, term) for term in terms if not term.negated]
    if hasattr(shape, "op"):
        initial["op"] = shape.op
    for attr in ("n", "percent"):
        if hasattr(shape, attr):
            initial["number"] = Decimal(getattr(shape, attr).numerator) / Decimal(getattr(shape, attr).denominator)
    if hasattr(shape, "first"):
        initial["first_month"], initial["last_month"] = shape.first, shape.last
    return initial


class NodeForm(forms.Form):
    """A dimension's or sub-dimension's code, titles and points."""

    code = forms.RegexField(
        label=_("Code of the node"),
        regex=r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$",
        max_length=40,
        help_text=_("Changing it changes the codes of everything under it."),
    )
    title_th = forms.CharField(label=_("Title (Thai)"), max_length=1000)
    title_en = forms.CharField(label=_("Title (English)"), max_length=1000)
    points = forms.DecimalField(label=_("Points of the node"), min_value=0, max_digits=8, decimal_places=2)

    @classmethod
    def initial_for(cls, node: dict[str, Any]) -> dict[str, Any]:
        return {key: node.get(key, "") for key in ("code", "title_th", "title_en", "points")}


class AddNodeForm(forms.Form):
    """Add an item (under a dimension or sub-dimension) or a sub-dimension (under a dimension)."""

    kind = forms.ChoiceField(
        choices=[("item", _("item")), ("group", _("sub-dimension")), ("dimension", _("dimension (at the end)"))],
        label=_("Add"),
    )
    parent = forms.ChoiceField(label=_("Under"), required=False)
    code = forms.CharField(label=_("Code (empty: the next free one)"), required=False, max_length=40)
    title_th = forms.CharField(label=_("Title (Thai)"), required=False, max_length=1000)
    title_en = forms.CharField(label=_("Title (English)"), required=False, max_length=1000)

    def __init__(self, *args: Any, parents: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = parents


class MoveForm(forms.Form):
    """Move a node up or down among its siblings, or under another parent."""

    code = forms.CharField(max_length=40)
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down"), ("to", "to")])
    parent = forms.CharField(required=False, max_length=40)


class CodeForm(forms.Form):
    """The code a remove or renumber acts on (empty for renumbering the dimensions)."""

    code = forms.CharField(required=False, max_length=40)


# --------------------------------------------------------------------------- line tests (example cases)


class LineTestForm(forms.Form):
    """One example case of a line: name, round, staff count, sections, the records as YAML and the
    points expected. Bad YAML, a non-number and an unknown round are refused here; what only the
    loader can judge of the records (an unknown fact, a bad date) is saved and shown as a problem."""

    name = forms.CharField(label=_("Name of the case"), required=False, max_length=300)
    round = forms.ChoiceField(label=_("Round"), required=False)
    staff_count = forms.CharField(
        label=_("Staff count"), required=False, max_length=200, help_text=_("Blank: 40 staff in every round.")
    )
    sections = forms.CharField(
        label=_("Sections"), required=False, max_length=1000, help_text=_("Section codes separated by commas.")
    )
    records = forms.CharField(
        label=_("Records (YAML)"), required=False, widget=forms.Textarea(attrs={"rows": 5, "class": "code"})
    )
    expect = forms.CharField(label=_("Expected points"), max_length=40)

    def __init__(self, *args: Any, rounds: list[str], line_round: str, key: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_case{key}_%s")
        super().__init__(*args, **kwargs)
        blank = _("(the line's round: %(round)s)") % {"round": line_round}
        self.fields["round"].choices = [("", blank), *((code, code) for code in rounds)]
        self.fields["round"].error_messages["invalid_choice"] = _("%(value)s is not a round of this framework.")
        self.key = key

    @classmethod
    def initial_for(cls, case: Any) -> dict[str, Any]:
        case = case if isinstance(case, dict) else {}
        staff = case.get("staff_count", "")
        if isinstance(staff, dict):
            staff = "{" + ", ".join(f"{key}: {value}" for key, value in staff.items()) + "}"
        sections = case.get("sections") or []
        records = case.get("records")
        return {
            "name": case.get("name", ""),
            "round": case.get("round", ""),
            "staff_count": "" if staff is None else str(staff),
            "sections": ", ".join(str(s) for s in sections) if isinstance(sections, list) else str(sections),
            "records": dump_framework(records) if records else "",
            "expect": "" if case.get("expect") is None else str(case.get("expect")),
        }

    def clean_expect(self) -> str:
        value = self.cleaned_data["expect"].strip()
        try:
            parse_number(value)
        except NumberProblem:
            raise forms.ValidationError(_("Write the expected points as a number, such as 0.5.")) from None
        return value

    def clean_staff_count(self) -> Any:
        value = self.cleaned_data["staff_count"].strip()
        if not value:
            return None
        if "{" in value:
            return self._staff_mapping(value)
        try:
            parse_number(value)
            return value
        except NumberProblem:
            raise forms.ValidationError(_("Write the staff count as a number, such as 40.")) from None

    def _staff_mapping(self, value: str) -> dict[str, Any]:
        try:
            mapping = load_text(value, "staff.yaml", aliases=False)
        except SyntaxProblem:
            mapping = None
        if not isinstance(mapping, dict):
            raise forms.ValidationError(_("Write the staff count as a number, or per round such as {R6: 30, R12: 40}."))
        return mapping

    def clean_sections(self) -> list[str]:
        return [code.strip() for code in self.cleaned_data["sections"].split(",") if code.strip()]

    def clean_records(self) -> Any:
        text = self.cleaned_data["records"]
        if not text.strip():
            return None
        try:
            records = load_text(text, "case.yaml", aliases=False)
        except SyntaxProblem as exc:
            raise forms.ValidationError(_("The records are not valid YAML: %(problem)s") % {"problem": exc}) from None
        if records is not None and not isinstance(records, dict):
            raise forms.ValidationError(
                _("Write the records as fact names, each with a list of records (see the example).")
            )
        return records

    def case(self) -> dict[str, Any]:
        """The case as ``edits.set_line_tests`` takes it (blank keys are left out there)."""
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "round": data["round"],
            "staff_count": data["staff_count"],
            "sections": data["sections"],
            "records": data["records"],
            "expect": data["expect"],
        }


def records_example(facts: dict[str, Any], date: str) -> str:
    """A short example of a case's records with the item's own fact names (for the hint)."""
    lines = []
    for name, fact in facts.items():
        if not isinstance(fact, dict):
            continue
        kind = fact.get("type")
        values: list[str] = [f'date: "{date}"']
        if kind == "measurement":
            values.append("value: 10")
        elif kind == "choice":
            options = fact.get("options") or {}
            values.append(f"option: {next(iter(options), 'x')}")
        elif kind == "periodic":
            values.append(f'covers: "{date[:7]}"')
        elif kind == "judgement":
            values += ["claimed: 1", "verified: 1"]
        for field_name, spec in (fact.get("fields") or {}).items():
            field_type = spec.get("type") if isinstance(spec, dict) else None
            if field_type == "flag":
                values.append(f"{field_name}: true")
            elif field_type == "choice":
                choices = spec.get("choices") or {}
                values.append(f"{field_name}: {next(iter(choices), 'x')}")
            elif field_type == "number":
                values.append(f"{field_name}: 1")
        lines.append(f"{name}:\n  - {{{', '.join(values)}}}")
    return "\n".join(lines)
