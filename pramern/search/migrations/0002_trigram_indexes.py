"""GIN trigram indexes (pg_trgm's gin_trgm_ops) on the text columns the search reads, on
PostgreSQL only: nothing on SQLite, and no change to the models' state (``makemigrations``
sees nothing), because a ``GinIndex`` in ``Meta.indexes`` would be created on SQLite too.

The search (``pramern.search.finder``) asks two things of a column, and each needs its own index:
- every word as a substring: ``icontains``, which Django writes ``UPPER("col"::text) LIKE
  UPPER('%word%')`` on PostgreSQL: an index on that expression serves it;
- near matches: ``trigram_word_similar``, ``'phrase' <% "col"``: an index on the column.
``SEARCHED`` lists them per model as the finder does (keep the two in step; tests/search checks).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

#: model -> (columns matched by substring, columns matched by trigram word similarity)
SEARCHED: dict[tuple[str, str], tuple[list[str], list[str]]] = {
    ("organizations", "Unit"): (["name_th", "name_en", "short_name", "code"], ["name_th", "name_en"]),
    ("frameworks", "FrameworkItem"): (["title_th", "title_en", "code"], ["title_th", "title_en"]),
    ("assessments", "Record"): (["title", "note"], ["title", "note"]),
    ("assessments", "Evidence"): (["title", "original_name", "url"], ["title", "original_name"]),
    ("review", "Comment"): (["body"], ["body"]),
}


def indexes(apps: Any, schema_editor: Any) -> list[tuple[str, str, str]]:
    """(index name, table, indexed expression) for every searched column."""
    quote = schema_editor.quote_name
    out = []
    for (app, model_name), (substring, similar) in SEARCHED.items():
        model = apps.get_model(app, model_name)
        table = model._meta.db_table
        for name in substring:
            column = model._meta.get_field(name).column
            out.append((f"{table}_{column}_up_trgm", table, f"(UPPER({quote(column)}::text)) gin_trgm_ops"))
        for name in similar:
            column = model._meta.get_field(name).column
            out.append((f"{table}_{column}_trgm", table, f"{quote(column)} gin_trgm_ops"))
    return out


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for name, table, expression in indexes(apps, schema_editor):
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} USING gin ({expression})")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in indexes(apps, schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_pg_trgm_extension"),
        ("organizations", "0003_unit_kind_labels_in_english"),
        ("frameworks", "0003_roundschedule_opens_on_roundschedule_state"),
        ("assessments", "0009_unitround_waiting_since"),
        ("review", "0002_review_assignment"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
