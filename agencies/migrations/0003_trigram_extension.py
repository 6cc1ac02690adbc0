"""pg_trgm, for finding officers and agencies whose name is typed with a wrong character
(PostgreSQL only; a trusted extension, which the database's owner may create)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("agencies", "0002_agency_kinds_for_courts_and_units")]

    operations = [TrigramExtension()]
