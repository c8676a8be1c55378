# The cluster's `declared` sheet rows (declared jobs and money), kept as the rates are.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("isbenefit_service", "0005_job_queue"),
    ]

    operations = [
        migrations.AddField(
            model_name="cluster",
            name="declared",
            field=models.JSONField(default=list),
        ),
    ]
