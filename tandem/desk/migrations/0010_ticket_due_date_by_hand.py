from django.db import migrations, models

# One statement both databases take; Django's own AddField would make SQLite copy the whole
# ticket table (a million rows) to add a column with a default.
ADD = 'ALTER TABLE "desk_ticket" ADD COLUMN "due_date_by_hand" boolean DEFAULT false NOT NULL'
DROP = 'ALTER TABLE "desk_ticket" DROP COLUMN "due_date_by_hand"'


def renew_search_triggers(apps, schema_editor):
    from tandem.desk import search

    search.renew_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    """Whether an agent set the due date by hand (the SLA then leaves it alone); and the
    search index's update trigger fires only when the subject really changes."""

    dependencies = [
        ("desk", "0009_ticket_subject_search"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="ticket",
                    name="due_date_by_hand",
                    field=models.BooleanField(db_default=False, default=False),
                ),
            ],
            database_operations=[migrations.RunSQL(ADD, DROP)],
        ),
        migrations.RunPython(renew_search_triggers, migrations.RunPython.noop),
    ]
