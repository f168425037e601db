from django.db import migrations


def forwards(apps, schema_editor):
    from tandem.desk import search

    search.install(schema_editor.connection)


def backwards(apps, schema_editor):
    from tandem.desk import search

    search.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    """An index for searching ticket subjects (FTS5 trigram on SQLite, pg_trgm on
    PostgreSQL): see tandem/desk/search.py. Indexes the tickets already there."""

    # PostgreSQL builds the index CONCURRENTLY, which no transaction may hold.
    atomic = False

    dependencies = [
        ("desk", "0008_portal_customer_language"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
