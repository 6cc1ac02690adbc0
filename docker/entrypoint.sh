#!/bin/sh
# Container entrypoint: wait for the database, migrate, optionally load the seed page and
# create an admin, then hand the process over to the command (gunicorn by default).
set -eu

# gunicorn reads WEB_CONCURRENCY as it starts and cannot take an empty value (as
# .env.example ships it): empty means unset, and gunicorn.conf.py picks 2 × cores + 1.
if [ -z "${WEB_CONCURRENCY:-}" ]; then
    unset WEB_CONCURRENCY
fi

python manage.py wait_for_db --timeout "${DATABASE_WAIT_TIMEOUT:-60}"

if [ "${DJANGO_MIGRATE:-0}" = "1" ]; then
    python manage.py migrate --noinput
fi

if [ "${NEWSROOM_LOAD_SEED:-0}" = "1" ]; then
    # Loads only into a database without articles.
    python manage.py load_seed
fi

if [ -n "${DJANGO_SUPERUSER_USERNAME:-}" ] && [ -n "${DJANGO_SUPERUSER_PASSWORD:-}" ]; then
    # Reads DJANGO_SUPERUSER_USERNAME, _PASSWORD and _EMAIL; an existing user is kept, a
    # password the validators refuse stops the start with their message.
    python manage.py ensure_admin
fi

# The deployment checklist, printed at every start (warnings do not stop it).
python manage.py check --deploy || true

exec "$@"
