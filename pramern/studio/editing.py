"""The item editor's one workflow: apply an edit to a draft's newest document and save it as a revision.

Edits are the pure functions of ``pramern.studio.edits``; this module reads the draft's document,
applies one, and stores the result through ``services.save_revision`` (audited there), so every
page of the item editor saves the same way and a refused edit (``EditError``) stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pramern.studio.edits import Document
from pramern.studio.models import DraftRevision, FrameworkDraft
from pramern.studio.services import save_revision


def edit_draft(
    draft: FrameworkDraft,
    user: Any,
    summary: str,
    change: Callable[[Document], Document],
    *,
    base: int | None = None,
) -> DraftRevision:
    """Apply ``change`` to the draft's newest document and store it as the next revision with
    ``summary`` (e.g. "1.2.2: แก้ไขบรรทัดคะแนน second-presented"); ``save_revision`` refuses a
    published draft and a save on top of a revision newer than ``base``."""
    document = change(draft.document())
    return save_revision(draft, document, user, summary, base=base)
