"""Sessions move to PutRight's own table, which keeps the signed-in user's id beside the session
(putright.operations.models.Session; decision 0015): every request then reads the session and its
user in one statement.

Every session still in date moves across, its user's id read from what it holds (as the session
store writes it from now on), so nobody is signed out and no half-finished online complaint is
lost. A session whose data cannot be read with the current secret key (or an old one in
SECRET_KEY_FALLBACKS) moves with no user id: it signs nobody in, as before. Django's table is left
empty; expired sessions are not moved.
"""

import django.db.models.deletion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import migrations, models
from django.utils import timezone


def move_sessions(apps, schema_editor):
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    Old = apps.get_model("sessions", "Session")
    New = apps.get_model("operations", "Session")
    alias = schema_editor.connection.alias
    store = SessionStore()  # its signature's salt is the class's name, the same as PutRight's store
    pk = apps.get_model(settings.AUTH_USER_MODEL)._meta.pk
    old = Old.objects.using(alias).filter(expire_date__gt=timezone.now())
    moved = []
    for session in old.iterator(chunk_size=2000):
        user_id = store.decode(session.session_data).get(SESSION_KEY)
        try:
            user_id = None if user_id is None else pk.to_python(user_id)
        except (ValidationError, TypeError, ValueError):
            user_id = None
        moved.append(New(session_key=session.session_key, session_data=session.session_data,
                         expire_date=session.expire_date, user_id=user_id))
        if len(moved) >= 2000:
            New.objects.using(alias).bulk_create(moved)
            moved = []
    New.objects.using(alias).bulk_create(moved)
    Old.objects.using(alias).all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("operations", "0001_initial"),
        ("sessions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Session",
            fields=[
                ("session_key", models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name="session key")),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
                ("user", models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "abstract": False,
            },
        ),
        migrations.RunPython(move_sessions, migrations.RunPython.noop),
    ]
