from django.db import migrations


class Migration(migrations.Migration):
    # Filled by its part of the integration; empty until then, so the parts can be built
    # side by side without conflicting migration numbers.
    dependencies = [("integration", "0003_tickets")]

    operations = []
