"""Trigram GIN index for substring search on PostgreSQL; SQLite does without."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX_NAME = "search_customer_index_text_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON search_customer_index USING gin (text gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        # Runs CREATE EXTENSION IF NOT EXISTS pg_trgm, and nothing on SQLite.
        TrigramExtension(),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
