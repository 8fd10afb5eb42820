"""The dry run's form: a draft (an uploaded YAML file or an installed framework) and the
installed framework whose assessments it is scored against."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pramern.frameworks.models import Framework
from pramern.scoring import Framework as CompiledFramework
from pramern.scoring import FrameworkError
from pramern.studio.dryrun import draft_framework
from pramern.studio.models import FrameworkDraft
from pramern.ui.text import tr

#: The largest draft file read (FY2567's is about 185 KB).
MAX_DRAFT_BYTES = 5 * 1024 * 1024
#: Problems of a refused draft shown at the form (the rest are counted).
SHOWN_PROBLEMS = 30


class FrameworkChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} · {tr(obj.compiled().title)}"


class DraftChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} · {obj.title}"


class DryRunForm(forms.Form):
    draft_studio = DraftChoice(queryset=FrameworkDraft.objects.none(), required=False, label=_("A draft in the studio"))
    draft_file = forms.FileField(label=_("Draft framework file (YAML)"), required=False)
    draft_installed = FrameworkChoice(
        queryset=Framework.objects.none(), required=False, label=_("or an installed framework as the draft")
    )
    against = FrameworkChoice(
        queryset=Framework.objects.none(), label=_("Score it against the assessments of"), empty_label=None
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        installed = Framework.objects.newest_first()
        self.fields["draft_studio"].queryset = FrameworkDraft.objects.order_by("-created_at")
        self.fields["draft_installed"].queryset = installed
        self.fields["against"].queryset = installed

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload, installed, studio = data.get("draft_file"), data.get("draft_installed"), data.get("draft_studio")
        if [bool(upload), bool(installed), bool(studio)].count(True) != 1:
            raise forms.ValidationError(
                _("Choose one draft: a draft in the studio, an uploaded file or an installed framework.")
            )
        if studio:
            data["draft"] = self.compile_draft("draft_studio", studio.current_revision().source, f"{studio}.yaml")
            return data
        if installed:
            data["draft"] = installed.compiled()
            return data
        data["draft"] = self.read_draft(upload)
        return data

    def read_draft(self, upload: Any) -> CompiledFramework | None:
        if upload.size is not None and upload.size > MAX_DRAFT_BYTES:
            self.add_error("draft_file", _("The file is too large (at most 5 MB)."))
            return None
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            self.add_error("draft_file", _("The file is not UTF-8 text."))
            return None
        return self.compile_draft("draft_file", text, upload.name or "draft.yaml")

    def compile_draft(self, field: str, text: str, name: str) -> CompiledFramework | None:
        """The draft compiled, or ``None`` with its problems shown at ``field``."""
        try:
            return draft_framework(text)
        except FrameworkError as exc:
            shown = exc.problems[:SHOWN_PROBLEMS]
            more = len(exc.problems) - len(shown)
            problems = [p.replace("draft.yaml", name, 1) for p in shown]
            if more:
                problems.append(_("… and %(count)d more problems") % {"count": more})
            self.add_error(field, [_("The draft has problems:"), *problems])
            return None
