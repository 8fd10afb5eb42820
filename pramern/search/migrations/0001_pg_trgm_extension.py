"""pg_trgm on PostgreSQL, for Thai search by trigrams; nothing on SQLite (CreateExtension skips
any other database)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [TrigramExtension()]
