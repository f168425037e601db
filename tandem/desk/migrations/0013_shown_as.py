from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0012_change_actor"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="shown_as",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.AddField(
            model_name="ticketevent",
            name="shown_as",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
    ]
