#!/bin/sh
# Collect static files at build time. Dummy settings: nothing here touches a database, and
# the key only has to exist for settings to load (it signs nothing).
set -eu
DJANGO_DEBUG=0 \
DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
DJANGO_ALLOWED_HOSTS=localhost \
DATABASE_URL=sqlite:////tmp/collectstatic-unused.sqlite3 \
    "${PYTHON:-python}" manage.py collectstatic --noinput --verbosity 0
