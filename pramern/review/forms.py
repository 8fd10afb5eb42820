"""What the review pages post, read through forms: a NUL byte, a record id that is not a number
or a missing field is a Thai message on the page, never a server error. The rules themselves
(which verdicts, which values, who may) stay in ``services``; these only say what was typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pramern.assessments.forms import ThaiDateField, check_near_rounds
from pramern.assessments.models import UnitRound
from pramern.review.services import BULK_ITEM, BULK_WITH_EVIDENCE, ReviewError
from pramern.scoring.model import Framework


class ReviewForm(forms.Form):
    """Base: ``cleaned()`` returns the values, or raises ``ReviewError`` with the first problem."""

    def cleaned(self) -> dict[str, Any]:
        if not self.is_valid():
            field, errors = next(iter(self.errors.items()))
            label = self.fields[field].label if field in self.fields else None
            raise ReviewError(f"{label}: {errors[0]}" if label else str(errors[0]))
        return self.cleaned_data


class RecordStepForm(ReviewForm):
    record = forms.IntegerField(
        label=_("record"), min_value=1, error_messages={"required": _("Choose a record of this item.")}
    )


class VerdictForm(RecordStepForm):
    status = forms.CharField(label=_("Verdict"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False)


class BulkAcceptForm(ReviewForm):
    """Which records to accept at once: an item's records without a verdict, or the round's with evidence."""

    scope = forms.ChoiceField(
        label=_("Accept"),
        choices=[(BULK_ITEM, ""), (BULK_WITH_EVIDENCE, "")],
        error_messages={"required": _("Unknown step.")},
    )
    item = forms.ChoiceField(label=_("Item"), required=False)

    def __init__(self, data: Any, *, items: list[str]) -> None:
        super().__init__(data)
        self.fields["item"].choices = [("", ""), *((code, code) for code in items)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("scope") == BULK_ITEM and not cleaned.get("item"):
            raise forms.ValidationError(_("Choose an item."))
        return cleaned


class VerifiedValueForm(RecordStepForm):
    value = forms.CharField(label=_("Verified value"), required=False, max_length=50)


class OverrideForm(ReviewForm):
    points = forms.CharField(label=_("Points"), required=False, max_length=50)
    reason = forms.CharField(label=_("Reason"), required=False)


class CommentForm(ReviewForm):
    body = forms.CharField(label=_("Comment"), required=False)


class TransitionForm(ReviewForm):
    action = forms.CharField(required=False, max_length=50)
    reason = forms.CharField(label=_("Reason"), required=False)
    unreviewed_confirmed = forms.CharField(required=False)


class ExtensionForm(ReviewForm):
    extend_to = ThaiDateField(label=_("New deadline"))
    reason = forms.CharField(label=_("Reason"), required=False)

    def __init__(self, data: Any, *, framework: Framework) -> None:
        super().__init__(data)
        self.framework = framework

    def clean_extend_to(self) -> dt.date:
        day: dt.date = self.cleaned_data["extend_to"]
        check_near_rounds(day, self.framework)  # a mistyped year (2570 CE for 2570 BE) is refused
        return day


class QueueFilterForm(forms.Form):
    """The review queue's filters (from the query string); a value the page does not offer is a 400.
    The year is the view's (an unknown year is a 404, as on every page). Every filter left empty
    shows every year and round; the evaluator filter's default is the
    view's ("mine" for a person who is assigned units)."""

    round = forms.ChoiceField(required=False)
    state = forms.ChoiceField(choices=[("", ""), ("queue", ""), ("all", ""), *UnitRound.State.choices], required=False)
    evaluator = forms.ChoiceField(required=False)
    dimension = forms.ChoiceField(required=False)

    def __init__(self, data: Any, *, rounds: list[str], people: list[int], dimensions: list[str]) -> None:
        super().__init__(data)
        self.fields["round"].choices = [("", ""), *((code, code) for code in rounds)]
        self.fields["evaluator"].choices = [
            ("", ""),
            *((v, v) for v in ("all", "mine", "unassigned")),
            *((str(pk), str(pk)) for pk in people),
        ]
        self.fields["dimension"].choices = [("", ""), *((code, code) for code in dimensions)]


class AssignForm(ReviewForm):
    """Who reviews a unit's assessment: a person's id, or empty to take the assignment back."""

    evaluator = forms.IntegerField(label=_("Evaluator"), required=False, min_value=1)
    next = forms.CharField(required=False, max_length=2000)


class StepForm(ReviewForm):
    """A confirmed irreversible step: the reason (returning, reopening) and the confirmation."""

    reason = forms.CharField(label=_("Reason"), required=False)
    confirm = forms.CharField(required=False, max_length=10)

    def clean_reason(self) -> str:
        """The lines as typed; a browser sends a text area's line breaks as CR LF."""
        reason: str = self.cleaned_data["reason"]
        return reason.replace("\r\n", "\n").replace("\r", "\n")
