from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0011_ticket_rating_requested"),
    ]

    operations = [
        migrations.AddField(
            model_name="change",
            name="actor_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
    ]
