"""Pramern's scoring engine: frameworks as data, a safe rule language, explained scores.

Plain Python: nothing in this package imports Django (a test enforces it), so it runs in the
CLI, in workers and in tests in milliseconds. ``pramern.assessments`` adapts database rows to
``Assessment``; that adapter is the only bridge.
"""

from pramern.scoring.assessment import (
    AssessmentError,
    assessment_to_data,
    load_assessment,
    parse_assessment,
    read_assessment_data,
)
from pramern.scoring.engine import SELF, VERIFIED, ItemResult, LineResult, ScoreResult, Total, score
from pramern.scoring.loader import FrameworkError, format_points, load_framework, parse_framework
from pramern.scoring.model import Assessment, Framework, Item, Line, Record, Round
from pramern.scoring.rules import RuleError

__all__ = [
    "SELF",
    "VERIFIED",
    "Assessment",
    "AssessmentError",
    "Framework",
    "FrameworkError",
    "Item",
    "ItemResult",
    "Line",
    "LineResult",
    "Record",
    "Round",
    "RuleError",
    "ScoreResult",
    "Total",
    "assessment_to_data",
    "format_points",
    "load_assessment",
    "load_framework",
    "parse_assessment",
    "parse_framework",
    "read_assessment_data",
    "score",
]
