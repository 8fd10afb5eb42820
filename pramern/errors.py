"""The errors a workflow raises when it refuses a change: each carries a message for the user
(already translated) and, where there are several, the problems one by one. Views show them;
nothing else catches them."""

from __future__ import annotations

from collections.abc import Sequence


class UserError(Exception):
    """A refusal with a message for the user and, optionally, the problems behind it."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


class WorkspaceError(UserError):
    """A change to a unit's workspace (records, evidence, staff counts, rounds) refused."""
