import django.db.models.deletion
from django.db import migrations, models

# The index Django made for the product foreign key (its name is derived from the table and
# column, the same on SQLite and PostgreSQL).
OLD_INDEX = "desk_ticket_product_id_415b1595"


class Migration(migrations.Migration):
    """A product's tickets, newest first, a page at a time: (product, id) replaces the
    single-column index of the foreign key, as for departments and assignees. The old index
    is dropped by name: AlterField(db_index=False) would make SQLite rebuild the ticket table."""

    dependencies = [
        ("desk", "0006_portal_acknowledgements"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["product", "id"], name="desk_t_product"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ticket",
                    name="product",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="tickets",
                        to="desk.product",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{OLD_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{OLD_INDEX}" ON "desk_ticket" ("product_id")',
                ),
            ],
        ),
    ]
