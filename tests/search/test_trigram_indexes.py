"""The search's columns carry GIN trigram indexes on PostgreSQL (migration search/0002), which its
queries use; on SQLite the migration applies and does nothing."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pramern.assessments.models import Evidence, Record
from pramern.frameworks.models import FrameworkItem
from pramern.organizations.models import Unit
from pramern.review.models import Comment
from pramern.search.finder import FIELDS

migration = importlib.import_module("pramern.search.migrations.0002_trigram_indexes")
MODELS = {"units": Unit, "items": FrameworkItem, "records": Record, "evidence": Evidence, "comments": Comment}
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")


def trigram_indexes() -> dict[str, str]:
    """index name -> its definition, for the trigram indexes the database has."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexdef LIKE '%%gin_trgm_ops%%'")
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name LIKE '%%trgm%%'")
        return dict(cursor.fetchall())


def test_the_migration_indexes_every_field_the_finder_searches():
    for kind, model in MODELS.items():
        assert migration.SEARCHED[(model._meta.app_label, model.__name__)] == FIELDS[kind], kind
    assert len(migration.SEARCHED) == len(FIELDS)


@postgresql_only
@pytest.mark.django_db
def test_on_postgresql_every_searched_column_has_its_gin_trigram_indexes():
    assert connection.vendor == "postgresql"
    found = trigram_indexes()
    for kind, model in MODELS.items():
        table = model._meta.db_table
        substring, similar = FIELDS[kind]
        for field in substring:
            column = model._meta.get_field(field).column
            definition = found[f"{table}_{column}_up_trgm"]
            assert "USING gin (upper(" in definition and "gin_trgm_ops" in definition, definition
        for field in similar:
            column = model._meta.get_field(field).column
            assert found[f"{table}_{column}_trgm"].endswith(f"USING gin ({column} gin_trgm_ops)")


@postgresql_only
@pytest.mark.django_db
def test_on_postgresql_the_search_lookups_can_use_the_indexes():
    """Both lookups the finder writes (icontains, trigram_word_similar) are planned on an index
    once sequential scans are ruled out: the index's expression is the one Django writes."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test's transaction only
    substring = Record.objects.filter(title__icontains="แผน").explain()
    assert "assessments_record_title_up_trgm" in substring, substring
    similar = Comment.objects.filter(body__trigram_word_similar="แผนงาน").explain()
    assert "review_comment_body_trgm" in similar, similar


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_migration_goes_back_and_forth_on_either_database():
    """On PostgreSQL it drops and creates the indexes; on SQLite it applies and creates none."""
    executor = MigrationExecutor(connection)
    executor.migrate([("search", "0001_pg_trgm_extension")])
    assert trigram_indexes() == {}
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("search", "0002_trigram_indexes")])
    expected = sum(len(a) + len(b) for a, b in FIELDS.values()) if connection.vendor == "postgresql" else 0
    assert len(trigram_indexes()) == expected
