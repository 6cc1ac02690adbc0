#!/bin/sh
# Collect static files at build time. Dummy settings: nothing here touches a database, and
# the key only has to pass the settings' check for settings to load (it signs nothing, and
# is thrown away).
set -eu
DJANGO_DEBUG=0 \
DJANGO_SECRET_KEY="$("${PYTHON:-python}" -c 'import secrets; print(secrets.token_urlsafe(50))')" \
DJANGO_ALLOWED_HOSTS=localhost \
DATABASE_URL=sqlite:////tmp/collectstatic-unused.sqlite3 \
    "${PYTHON:-python}" manage.py collectstatic --noinput --verbosity 0
