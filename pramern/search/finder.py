"""Search across units, items, records, evidence and comments, within what the person may see.

A unit's people find their own unit's records, evidence and comments only; the office-wide
roles find every unit's. Items are the frameworks' (public to every signed-in person).

Matching: every word of the query is a substring of one of the searched fields (Thai written in
either form of sara am, ``text.variants``). On PostgreSQL, pg_trgm adds near matches (a typo,
a word spelt slightly differently: word similarity at least ``pg_trgm.word_similarity_threshold``,
0.6 by default) and orders each list by similarity; on SQLite the substring match alone is used.
Each list is one query, at most ``LIMIT`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Greatest

from pramern.assessments.models import Evidence, Record
from pramern.frameworks.models import FrameworkItem
from pramern.organizations.models import Unit
from pramern.organizations.permissions import Access
from pramern.review.models import Comment
from pramern.search.text import normalise, terms, variants

#: Rows shown per kind of result.
LIMIT = 20
#: Shorter queries find too much to be useful (and pg_trgm needs three characters).
MIN_LENGTH = 2

#: Per kind of result: (fields matched word by word as substrings, fields also matched by trigram
#: word similarity on PostgreSQL). Migration search/0002_trigram_indexes indexes these columns
#: (GIN, gin_trgm_ops) and lists them by model; tests/search/test_trigram_indexes.py keeps the two
#: in step.
FIELDS: dict[str, tuple[list[str], list[str]]] = {
    "units": (["name_th", "name_en", "short_name", "code"], ["name_th", "name_en"]),
    "items": (["title_th", "title_en", "code"], ["title_th", "title_en"]),
    "records": (["title", "note"], ["title", "note"]),
    "evidence": (["title", "original_name", "url"], ["title", "original_name"]),
    "comments": (["body"], ["body"]),
}


@dataclass(frozen=True)
class Results:
    query: str
    units: list[Unit] = field(default_factory=list)
    items: list[FrameworkItem] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    too_short: bool = False

    @property
    def count(self) -> int:
        return len(self.units) + len(self.items) + len(self.records) + len(self.evidence) + len(self.comments)

    @property
    def full(self) -> list[str]:
        """The kinds that reached ``LIMIT`` (more may match: the person should narrow the query)."""
        lists = {"units": self.units, "items": self.items, "records": self.records}
        lists.update(evidence=self.evidence, comments=self.comments)
        return [name for name, rows in lists.items() if len(rows) >= LIMIT]


def trigrams() -> bool:
    """Whether the database can rank by trigram similarity (PostgreSQL with pg_trgm)."""
    return connection.vendor == "postgresql"


def _matching(
    rows: QuerySet[Any], fields: list[str], fuzzy: list[str], words: list[str], phrase: str, order: list[str]
) -> list[Any]:
    """Rows where every word is in one of ``fields``; on PostgreSQL also those whose ``fuzzy``
    fields (texts, not codes or addresses) are near the phrase, substring matches first."""
    every_word = Q()
    for word in words:
        every_word &= reduce(or_, (Q(**{f"{f}__icontains": v}) for f in fields for v in variants(word)))
    if not trigrams():
        return list(rows.filter(every_word).order_by(*order)[:LIMIT])
    similar = reduce(or_, (Q(**{f"{f}__trigram_word_similar": phrase}) for f in fuzzy))
    similarity = [TrigramWordSimilarity(phrase, f) for f in fuzzy]
    rank = similarity[0] if len(similarity) == 1 else Greatest(*similarity)
    exact = Case(When(every_word, then=Value(1)), default=Value(0), output_field=IntegerField())
    found = rows.filter(every_word | similar).annotate(exact=exact, rank=rank)
    return list(found.order_by(F("exact").desc(), F("rank").desc(), *order)[:LIMIT])


def search(query: str, access: Access) -> Results:
    """What ``query`` finds that a person with ``access`` may see (five queries at most)."""
    phrase = normalise(query)
    if len(phrase) < MIN_LENGTH:
        return Results(query=phrase, too_short=bool(phrase))
    words = terms(phrase)
    visible = access.visible_units  # None: every unit

    def of_units(rows: QuerySet[Any], path: str) -> QuerySet[Any]:
        return rows if visible is None else rows.filter(**{f"{path}__in": visible})

    in_assessment = ["assessment__unit", "assessment__framework"]
    return Results(
        query=phrase,
        units=_matching(
            of_units(Unit.objects.filter(is_active=True), "pk"),
            *FIELDS["units"],
            words,
            phrase,
            ["code"],
        ),
        items=_matching(
            FrameworkItem.objects.filter(kind=FrameworkItem.Kind.ITEM)
            .select_related("framework")
            .defer("framework__source"),
            *FIELDS["items"],
            words,
            phrase,
            ["-framework__code", "-framework__version", "position"],
        ),
        records=_matching(
            of_units(
                Record.objects.select_related(*in_assessment).defer("assessment__framework__source"), "assessment__unit"
            ),
            *FIELDS["records"],
            words,
            phrase,
            ["-date", "-id"],
        ),
        evidence=_matching(
            of_units(
                Evidence.objects.select_related(*in_assessment).defer("assessment__framework__source"),
                "assessment__unit",
            ),
            *FIELDS["evidence"],
            words,
            phrase,
            ["-created_at", "-id"],
        ),
        comments=_matching(
            of_units(
                Comment.objects.select_related(*in_assessment, "author").defer("assessment__framework__source"),
                "assessment__unit",
            ),
            *FIELDS["comments"],
            words,
            phrase,
            ["-created_at", "-id"],
        ),
    )
