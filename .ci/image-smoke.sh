#!/usr/bin/env bash
# The real image, built from the Dockerfile (scripts/build-image.sh) and run as users run it:
# as its own unprivileged user, its code and root file system read-only, with the environment
# of .env.example as shipped plus only what a deployment must set, against a fresh PostgreSQL
# database. The deploy smoke test (.ci/deploy-smoke.sh) checks the outage paths and nginx in
# front; this one checks what only the image itself can get wrong.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_ADMIN_URL="${CI_POSTGRES_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
DB_NAME="newsroom_image_smoke"
PORT="${IMAGE_SMOKE_PORT:-8767}"
tag="localhost/newsroom:smoke"
name="newsroom-image-smoke-$$"
work="$(mktemp -d)"
# No cgroup controllers of its own here: runc, with limits no higher than this shell's. No
# systemd either, to time the HEALTHCHECK: the smoke test runs its command itself.
run=(podman --runtime runc)
limits=(--ulimit "nofile=$(ulimit -n):$(ulimit -Hn)" --ulimit nproc=4096:4096)

cleanup() {
    "${run[@]}" rm -f -t 0 "$name" >/dev/null 2>&1 || true
    "${run[@]}" volume rm -f "$name-media" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "image smoke: FAIL: $*" >&2
    "${run[@]}" logs "$name" 2>&1 | tail -40 >&2 || true
    exit 1
}

echo "-- building the image"
bash scripts/build-image.sh "$tag" > /dev/null 2> "$work/build.log" || { tail -30 "$work/build.log"; exit 1; }

echo "-- what the image holds"
in_image() { "${run[@]}" run --rm --no-healthcheck "${limits[@]}" --network none --entrypoint "$1" "$tag" "${@:2}"; }
[ "$(podman image inspect --format '{{.Config.User}}' "$tag")" = "10001:10001" ] || fail "the image does not run as its own user"
podman image inspect --format '{{.Config.Healthcheck}}' "$tag" | grep -q healthcheck.py || fail "no HEALTHCHECK"
! podman image inspect --format '{{.Config.Env}}' "$tag" | grep -q PIP_CERT \
    || fail "the build's trust settings reached the image"
for dir in tests bench .ci scripts .git; do
    in_image test ! -e "/app/$dir" || fail "/app/$dir is in the image"
done
in_image sh -c '! test -w /app && ! test -w /app/newsroom/settings.py && ! test -w /opt/venv' \
    || fail "the app user can rewrite the code"
in_image sh -c 'test -w /data/media' || fail "the app user cannot write /data/media"

echo "-- a fresh database"
psql "$PG_ADMIN_URL" -q -c "DROP DATABASE IF EXISTS $DB_NAME" -c "CREATE DATABASE $DB_NAME"

echo "-- the entrypoint and gunicorn, read-only, with .env.example's settings"
# .env.example as shipped, then what a deployment sets itself: its key and admin, and the
# database (here the machine's, on the host's network, on a port of its own).
grep -E '^[A-Z_]+=' .env.example > "$work/env"
cat >> "$work/env" <<ENV
DJANGO_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
DJANGO_SUPERUSER_USERNAME=admin
DJANGO_SUPERUSER_PASSWORD=Kx7-$RANDOM-tuq4-$RANDOM-vb
DJANGO_SUPERUSER_EMAIL=admin@example.com
DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB_NAME
GUNICORN_BIND=127.0.0.1:$PORT
ENV
"${run[@]}" volume rm -f "$name-media" >/dev/null 2>&1 || true
"${run[@]}" run -d --no-healthcheck --name "$name" "${limits[@]}" --network host --read-only --tmpfs /tmp \
    --env-file "$work/env" -v "$name-media:/data/media" --stop-timeout 30 "$tag" > /dev/null

base="http://127.0.0.1:$PORT"
for _ in $(seq 180); do
    curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break
    [ "$(podman inspect --format '{{.State.Running}}' "$name")" = true ] || fail "the container exited"
    sleep 0.5
done
get() { curl -sS -H "Host: localhost" "$@"; }
status() { get -o /dev/null -w "%{http_code}" "$@"; }
[ "$(status "$base/readyz")" = 200 ] || fail "/readyz"
"${run[@]}" exec "$name" python /app/docker/healthcheck.py || fail "the HEALTHCHECK command fails"
home="$(get "$base/")"
grep -q "用忠诚守护群众安全" <<<"$home" || fail "the home page does not list the seed stories"
article="$(grep -o 'href="/articles/[0-9]*/[a-z0-9-]*/"' <<<"$home" | head -1 | cut -d'"' -f2)"
[ "$(status "$base$article")" = 200 ] || fail "article page $article"
css="$("${run[@]}" exec "$name" python -c 'import json; print(json.load(open("/app/staticfiles/staticfiles.json"))["paths"]["css/site.css"])')"
[ "$(status "$base/static/$css")" = 200 ] || fail "the hashed stylesheet"
[ "$(status "$base/admin/login/")" = 200 ] || fail "/admin/login/"

echo "-- graceful stop"
"${run[@]}" stop -t 30 "$name" > /dev/null
code="$(podman inspect --format '{{.State.ExitCode}}' "$name")"
logs="$("${run[@]}" logs "$name" 2>&1)"
[ "$code" = 0 ] || fail "the container exited with $code on stop"
grep -q "Shutting down" <<<"$logs" || fail "no clean shutdown in the log"
! grep -qi "permission denied\|PermissionError\|Read-only file system" <<<"$logs" \
    || fail "the image's user needed to write where it may not"
echo "image smoke: ok ($(podman image inspect --format '{{.Size}}' "$tag" | numfmt --to=iec) image)"
