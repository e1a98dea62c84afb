from django.db import migrations, models

from putright.performance import deadlinecounts


class Migration(migrations.Migration):

    dependencies = [
        ('performance', '0009_received_order'),
    ]

    operations = [
        migrations.CreateModel(
            name='DeadlineCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('delta', models.BigIntegerField()),
            ],
            options={
                'indexes': [models.Index(fields=['day', 'delta'], name='deadline_count_day')],
            },
        ),
        # The triggers are made, and the counts filled, after every migrate (putright.performance.schema);
        # going back, off first.
        migrations.RunPython(migrations.RunPython.noop, deadlinecounts.drop),
    ]
