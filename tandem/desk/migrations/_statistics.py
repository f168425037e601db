"""For migrations that add indexes to desk_ticket (Django's loader skips this module: its name
starts with an underscore)."""


def refresh_statistics(apps, schema_editor):
    """SQLite plans with sqlite_stat1 once ANALYZE has run on a database: beside indexes with
    figures, these new ones without would be taken for tiny, and each default-sorted view would
    sort every ticket it holds (1.7 s at 1,000,000). A database with figures gets them anew for
    the table; one without any goes on planning without (as Tandem leaves it)."""
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return  # PostgreSQL plans from the table's statistics, which autovacuum keeps
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("ANALYZE desk_ticket")
