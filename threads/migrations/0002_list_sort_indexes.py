from django.db import migrations, models


class Migration(migrations.Migration):
    """Indexes for the sortable columns of the thread lists (spec 7.6)."""

    dependencies = [
        ("threads", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="thread",
            index=models.Index(fields=["pok", "last_message_at"], name="thread_pok_last"),
        ),
        migrations.AddIndex(
            model_name="thread",
            index=models.Index(fields=["pok", "status", "customer_email"], name="thread_pok_status_email"),
        ),
        migrations.AddIndex(
            model_name="thread",
            index=models.Index(fields=["pok", "status", "subject"], name="thread_pok_status_subject"),
        ),
        migrations.AddIndex(
            model_name="thread",
            index=models.Index(fields=["pok", "status", "message_count"], name="thread_pok_status_count"),
        ),
    ]
