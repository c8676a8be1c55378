from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("isbenefit_service", "0003_proposals_downloads"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="language",
            field=models.CharField(blank=True, default="", max_length=8),
        ),
    ]
