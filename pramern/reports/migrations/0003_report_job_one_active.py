# The constraint in a migration of its own: on PostgreSQL a table cannot be altered in the
# transaction that has just updated its rows (0002 names the existing jobs' subjects).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_report_job_expiry"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='reportjob',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['queued', 'running'])), fields=('requested_by', 'kind', 'subject'), name='report_job_one_active'),
        ),
    ]
