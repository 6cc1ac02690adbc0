#!/usr/bin/env bash
# Deploy smoke test without a Docker engine: build the virtualenv the image builds, collect
# static files as the image does, run the image's entrypoint with production settings against
# a fresh PostgreSQL database, and check the running site over real HTTP.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_ADMIN_URL="${CI_POSTGRES_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
DB_NAME="newsroom_smoke"
PORT="${SMOKE_PORT:-8765}"
PROXY_PORT="${SMOKE_PROXY_PORT:-54329}"
work="$(mktemp -d)"
gunicorn_pid=""
proxy_pid=""

cleanup() {
    [ -n "$gunicorn_pid" ] && kill "$gunicorn_pid" 2>/dev/null || true
    [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "deploy smoke: FAIL: $*" >&2; [ -f "$work/server.log" ] && tail -40 "$work/server.log" >&2; exit 1; }

echo "-- building the image's virtualenv"
sh docker/build-venv.sh "$work/venv"
export PATH="$work/venv/bin:$PATH"

echo "-- collectstatic with the image's dummy settings"
rm -rf staticfiles
PYTHON="$work/venv/bin/python" sh docker/collectstatic.sh
test -f staticfiles/staticfiles.json || fail "no manifest after collectstatic"

echo "-- a fresh database, and an empty Redis database for the page cache"
REDIS_URL="${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/13}"
python -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS_URL"
psql "$PG_ADMIN_URL" -q -c "DROP DATABASE IF EXISTS $DB_NAME" -c "CREATE DATABASE $DB_NAME"

start_proxy() {
    python .ci/tcp_proxy.py "$PROXY_PORT" 127.0.0.1 5432 &
    proxy_pid=$!
    for _ in $(seq 50); do (echo > "/dev/tcp/127.0.0.1/$PROXY_PORT") 2>/dev/null && return; sleep 0.1; done
    fail "proxy did not start"
}
start_proxy

echo "-- entrypoint + gunicorn (production settings)"
env -i PATH="$PATH" HOME="$work" LANG=C.UTF-8 \
    DJANGO_DEBUG=0 \
    DJANGO_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL="postgres://postgres@127.0.0.1:$PROXY_PORT/$DB_NAME" \
    DJANGO_MIGRATE=1 NEWSROOM_LOAD_SEED=1 \
    DJANGO_SUPERUSER_USERNAME=admin DJANGO_SUPERUSER_PASSWORD="Kx7-$RANDOM-tuq4-$RANDOM-vb" \
    DJANGO_SUPERUSER_EMAIL=admin@example.com \
    GUNICORN_BIND="127.0.0.1:$PORT" WEB_CONCURRENCY=2 \
    REDIS_URL="$REDIS_URL" \
    docker/entrypoint.sh gunicorn --config gunicorn.conf.py > "$work/server.log" 2>&1 &
gunicorn_pid=$!

base="http://127.0.0.1:$PORT"
for _ in $(seq 120); do
    curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break
    kill -0 "$gunicorn_pid" 2>/dev/null || fail "the entrypoint exited"
    sleep 0.5
done

# The load balancer terminates TLS and says so; requests name the public host.
get() { curl -sS -H "Host: localhost" -H "X-Forwarded-Proto: https" "$@"; }
status() { get -o /dev/null -w "%{http_code}" "$@"; }

[ "$(status "$base/healthz")" = 200 ] || fail "/healthz"
[ "$(status "$base/readyz")" = 200 ] || fail "/readyz"
home="$(get "$base/")"
grep -q "用忠诚守护群众安全" <<<"$home" || fail "home page does not list the seed stories"
article_url="$(grep -o 'href="/articles/[0-9]*/[a-z0-9-]*/"' <<<"$home" | head -1 | cut -d'"' -f2)"
[ -n "$article_url" ] || fail "no article link on the home page"
[ "$(status "$base$article_url")" = 200 ] || fail "article page $article_url"
[ "$(curl -sS -o /dev/null -w '%{http_code}' -H 'Host: localhost' "$base/")" = 301 ] \
    || fail "plain HTTP is not redirected to HTTPS"

css="$(python -c 'import json; print(json.load(open("staticfiles/staticfiles.json"))["paths"]["css/site.css"])')"
headers="$(get -D - -o /dev/null -H "Accept-Encoding: gzip, br" "$base/static/$css")"
grep -qi "^content-encoding: \(gzip\|br\)" <<<"$headers" || fail "static file not compressed"
grep -qi "^cache-control: .*max-age=315360000" <<<"$headers" || fail "static file not cached far ahead"

headers="$(get -D - -o /dev/null "$base/admin/login/")"
grep -q "^HTTP/1.1 200" <<<"$headers" || fail "/admin/login/"
for header in strict-transport-security x-frame-options x-content-type-options referrer-policy \
    content-security-policy cross-origin-opener-policy; do
    grep -qi "^$header:" <<<"$headers" || fail "/admin/login/ lacks $header"
done

echo "-- the database gone: kept pages served stale, others a 503 with the security headers"
get -o /dev/null "$base/"  # in the shared page cache now
kill "$proxy_pid"; wait "$proxy_pid" 2>/dev/null || true; proxy_pid=""
[ "$(status "$base/readyz")" = 503 ] || fail "/readyz is not 503 without a database"
[ "$(status "$base/healthz")" = 200 ] || fail "/healthz must not need the database"
headers="$(get -D - -o /dev/null "$base/")"
grep -q "^HTTP/1.1 200" <<<"$headers" || fail "the kept home page is not served without a database"
grep -qi "^age:" <<<"$headers" || fail "a stale page does not say its Age"
headers="$(get -D - -o /dev/null "$base/agencies/")"
grep -q "^HTTP/1.1 503" <<<"$headers" || fail "an unkept page is not a 503 without a database"
grep -qi "^retry-after:" <<<"$headers" || fail "the 503 has no Retry-After"
for header in strict-transport-security x-frame-options x-content-type-options referrer-policy \
    content-security-policy; do
    grep -qi "^$header:" <<<"$headers" || fail "the 503 lacks $header"
done
[ "$(status "$base/static/$css")" = 200 ] || fail "static files need the database"
start_proxy
ok=""
for _ in $(seq 20); do [ "$(status "$base/readyz")" = 200 ] && ok=1 && break; sleep 0.5; done
[ -n "$ok" ] || fail "/readyz did not recover when the database came back"

echo "-- graceful stop"
kill -TERM "$gunicorn_pid"
code=0; wait "$gunicorn_pid" || code=$?
gunicorn_pid=""
[ "$code" = 0 ] || fail "gunicorn exited with $code on TERM"
grep -q "Shutting down" "$work/server.log" || fail "no clean shutdown in the log"
echo "deploy smoke: ok"
