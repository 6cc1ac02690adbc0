"""Signed-in sessions stay signed in across the change of authentication backend (Django's
ModelBackend to articles.permissions.KeptPermissionsBackend): a session names the backend
that signed it in, and one no longer listed is signed out."""

from django.db import migrations

OLD = "django.contrib.auth.backends.ModelBackend"
NEW = "articles.permissions.KeptPermissionsBackend"


def rename(old, new):
    def run(apps, schema_editor):
        from django.contrib.auth import BACKEND_SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        store = SessionStore()
        Session = apps.get_model("sessions", "Session")
        for session in Session.objects.using(schema_editor.connection.alias).iterator():
            data = store.decode(session.session_data)  # {} for one it cannot read
            if data.get(BACKEND_SESSION_KEY) == old:
                data[BACKEND_SESSION_KEY] = new
                session.session_data = store.encode(data)
                session.save(update_fields=["session_data"])

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_article_characters"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(rename(OLD, NEW), rename(NEW, OLD))]
