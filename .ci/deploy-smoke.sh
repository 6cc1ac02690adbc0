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
NGINX_PORT="${SMOKE_NGINX_PORT:-8766}"
work="$(mktemp -d)"
gunicorn_pid=""
proxy_pid=""
nginx_pid=""

cleanup() {
    [ -n "$gunicorn_pid" ] && kill "$gunicorn_pid" 2>/dev/null || true
    [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null || true
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "deploy smoke: FAIL: $*" >&2; [ -f "$work/server.log" ] && tail -40 "$work/server.log" >&2; exit 1; }

# The image's user must be able to run Python: a Python installed under root's home (pyenv)
# is copied out first, as the image's base carries its own.
as_user=""
copied=""
if [ "$(id -u)" = 0 ]; then
    as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups"
    pybase="$(python3 -c 'import sys; print(sys.base_prefix)')"
    if ! $as_user test -x "$pybase/bin/python3"; then
        cp -a "$pybase" "$work/python"
        copied="$work/python"
        export PATH="$work/python/bin:$PATH" LD_LIBRARY_PATH="$work/python/lib"
    fi
fi

echo "-- building the image's virtualenv (from requirements.lock)"
sh docker/build-venv.sh "$work/venv"
export PATH="$work/venv/bin:$PATH"

echo "-- the image's tree: what .dockerignore lets in, static files collected, owned by root"
app="$work/app"
mkdir -p "$app"
tar -C . --exclude=./.git --exclude=./.venv --exclude=./staticfiles --exclude=./media \
    --exclude=./tests --exclude=./bench --exclude=./.ci --exclude=./scripts \
    --exclude=./backups --exclude='*.sqlite3' --exclude=__pycache__ --exclude=.pytest_cache \
    --exclude=.ruff_cache --exclude=./.env -cf - . | tar -C "$app" -xf -
(cd "$app" && PYTHON="$work/venv/bin/python" sh docker/collectstatic.sh)
test -f "$app/staticfiles/staticfiles.json" || fail "no manifest after collectstatic"
[ ! -e "$app/tests" ] || fail "tests are in the image"
chmod -R a+rX,go-w "$app" "$work/venv" ${copied:+"$copied"}
chmod 755 "$work"
mkdir -p "$work/media" "$work/home"
if [ -n "$as_user" ]; then chown nobody:nogroup "$work/media" "$work/home"; fi

echo "-- a fresh database, and an empty Redis database for the page cache"
cache_url="${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/13}"
python -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$cache_url"
psql "$PG_ADMIN_URL" -q -c "DROP DATABASE IF EXISTS $DB_NAME" -c "CREATE DATABASE $DB_NAME"

start_proxy() {
    python .ci/tcp_proxy.py "$PROXY_PORT" 127.0.0.1 5432 &
    proxy_pid=$!
    for _ in $(seq 50); do (echo > "/dev/tcp/127.0.0.1/$PROXY_PORT") 2>/dev/null && return; sleep 0.1; done
    fail "proxy did not start"
}
start_proxy

echo "-- entrypoint + gunicorn as an unprivileged user, code read-only, .env.example's settings"
# The environment as .env.example ships it, then only what a deployment must set itself
# (its key, host, database and cache, behind a TLS proxy), as the image's user would run.
shipped="$(grep -E '^[A-Z_]+=' .env.example | sed 's/^/export /')"
secret="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
admin_password="Kx7-$RANDOM-tuq4-$RANDOM-vb"
# A command in the image's tree, as the image's user, with the deploy's environment. It
# execs: call it only in a subshell of its own (with & or inside $(…)), so that $! is the
# command itself.
app() {
        eval "$shipped"
        exec env -i PATH="$PATH" HOME="$work/home" LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1 \
            LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}" \
            $(env | grep -E "^($(grep -oE '^[A-Z_]+' .env.example | paste -sd'|'))=" ) \
            DJANGO_SECRET_KEY="$secret" \
            DJANGO_ALLOWED_HOSTS=localhost \
            DJANGO_SECURE_SSL_REDIRECT=1 \
            DATABASE_URL="postgres://postgres@127.0.0.1:$PROXY_PORT/$DB_NAME" \
            REDIS_URL="$cache_url" MEDIA_ROOT="$work/media" \
            DJANGO_SUPERUSER_USERNAME=admin DJANGO_SUPERUSER_PASSWORD="$admin_password" \
            DJANGO_SUPERUSER_EMAIL=admin@example.com \
            GUNICORN_BIND="127.0.0.1:$PORT" \
            $as_user sh -c 'cd "$0" && exec "$@"' "$app" "$@"
}
app docker/entrypoint.sh gunicorn --config gunicorn.conf.py > "$work/server.log" 2>&1 &
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

css="$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["paths"]["css/site.css"])' "$app/staticfiles/staticfiles.json")"
headers="$(get -D - -o /dev/null -H "Accept-Encoding: gzip, br" "$base/static/$css")"
grep -qi "^content-encoding: \(gzip\|br\)" <<<"$headers" || fail "static file not compressed"
grep -qi "^cache-control: .*max-age=315360000" <<<"$headers" || fail "static file not cached far ahead"

headers="$(get -D - -o /dev/null "$base/admin/login/")"
grep -q "^HTTP/1.1 200" <<<"$headers" || fail "/admin/login/"
for header in strict-transport-security x-frame-options x-content-type-options referrer-policy \
    content-security-policy cross-origin-opener-policy; do
    grep -qi "^$header:" <<<"$headers" || fail "/admin/login/ lacks $header"
done

echo "-- nginx in front (compose's proxy, docker/nginx): photo files only by the app's leave"
bash scripts/install-nginx.sh >/dev/null
nginx_dir="$work/nginx"
mkdir -p "$nginx_dir/tmp"
NEWSROOM_UPSTREAM="127.0.0.1:$PORT" NEWSROOM_LISTEN="127.0.0.1:$NGINX_PORT" \
NEWSROOM_MEDIA="$work/media" NEWSROOM_PROTO='$http_x_forwarded_proto' python3 -c '
import os, string, sys
text = open(sys.argv[1], encoding="utf-8").read()
names = {k: v for k, v in os.environ.items() if k.startswith("NEWSROOM_")}
print(string.Template(text).safe_substitute(names))' docker/nginx/default.conf.template \
    > "$nginx_dir/default.conf"
cat > "$nginx_dir/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
pid $nginx_dir/nginx.pid;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $nginx_dir/tmp/body;
    proxy_temp_path $nginx_dir/tmp/proxy;
    fastcgi_temp_path $nginx_dir/tmp/fastcgi;
    uwsgi_temp_path $nginx_dir/tmp/uwsgi;
    scgi_temp_path $nginx_dir/tmp/scgi;
    include $nginx_dir/default.conf;
}
NGINX
if [ -n "$as_user" ]; then chown -R nobody:nogroup "$nginx_dir"; fi
$as_user /usr/sbin/nginx -c "$nginx_dir/nginx.conf" -e "$nginx_dir/error.log" &
nginx_pid=$!
edge="http://127.0.0.1:$NGINX_PORT"
for _ in $(seq 50); do curl -fsS -o /dev/null "$edge/healthz" 2>/dev/null && break; sleep 0.1; done
[ "$(status "$edge/healthz")" = 200 ] || fail "nginx does not reach gunicorn"
# A flood of sign-in requests is answered by nginx past its burst, never by a worker.
[ "$(status "$edge/admin/login/")" = 200 ] || fail "opening the login page is throttled"
codes="$(for _ in $(seq 40); do curl -sS -o /dev/null -w '%{http_code}\n' -H 'Host: localhost' \
    -H 'X-Forwarded-Proto: https' -X POST -d 'username=x&password=y' "$edge/admin/login/"; done)"
grep -qx 429 <<<"$codes" || fail "nginx does not throttle a flood of sign-ins"
headers="$(get -D - -o "$work/throttled.html" -X POST "$edge/admin/login/")"
grep -q "^HTTP/1.1 429" <<<"$headers" || fail "the throttle is not 429"
grep -q "请一分钟后再试" "$work/throttled.html" || fail "the throttle's page is not in Chinese"
for header in retry-after x-frame-options x-content-type-options content-security-policy; do
    grep -qi "^$header:" <<<"$headers" || fail "the throttle's 429 lacks $header"
done
[ "$(status "$edge/")" = 200 ] || fail "readers are throttled with the sign-ins"
photo_page=""
for url in $(grep -o 'href="/articles/[0-9]*/[a-z0-9-]*/"' <<<"$home" | cut -d'"' -f2 | sort -u); do
    page="$(get "$edge$url")"
    if grep -q "<picture" <<<"$page"; then photo_page="$page"; break; fi
done
[ -n "$photo_page" ] || fail "no published story shows its picture (the seed's photo story)"
img="$(grep -o ' src="/media/[^"]*"' <<<"$photo_page" | head -1 | cut -d'"' -f2)"
[ -n "$img" ] || fail "no picture URL on the photo story"
headers="$(get -D - -o "$work/photo.bin" "$edge$img")"
grep -q "^HTTP/1.1 200" <<<"$headers" || fail "a published photo is not served: $img"
grep -qi "^content-type: image/\(jpeg\|webp\|avif\)" <<<"$headers" || fail "photo content type"
grep -qi "^cache-control: .*public.*max-age=60" <<<"$headers" || fail "photo cache-control"
! grep -qi "^x-accel-redirect" <<<"$headers" || fail "the internal redirect leaked to the reader"
[ "$(stat -c %s "$work/photo.bin")" -gt 1000 ] || fail "the photo's bytes were not sent"
[ "$(status "$edge/_media/${img#/media/}")" = 404 ] || fail "/_media/ is reachable from outside"
private="$(app python manage.py shell -v0 -c '
import io
from articles import images
from articles.models import Article, Photo, Section, State
from ingest.seed_picture import draw
story = Article.objects.create(title="未发稿件", section=Section.objects.first(), state=State.DRAFT)
image = images.accept(io.BytesIO(draw(1200, 800)), alt_text="未发稿件的图片")
Photo.objects.create(article=story, image=image, alt_text="未发稿件的图片")
print("private:", image.file.url, image.renditions.get(spec="thumb", format="jpeg").file.url)
' 2>>"$work/server.log" | sed -n 's/^private: //p')"
[ -n "$private" ] || fail "could not make an unpublished story's picture"
for url in $private; do
    [ "$(status "$edge$url")" = 404 ] || fail "an unpublished story's picture is served: $url"
    [ -s "$work/media/${url#/media/}" ] || fail "the unpublished picture is not on disk: $url"
done

echo "-- the database gone: kept pages served stale, others a 503 with the security headers"
get -o /dev/null "$base/"  # in the shared page cache now
kill "$proxy_pid"; wait "$proxy_pid" 2>/dev/null || true; proxy_pid=""
# Past the workers' last reading of the content generation (NEWSROOM_GENERATION_RECHECK_SECONDS,
# 0.25 s): until then a kept page is still fresh, and served as such.
sleep 0.5
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
! grep -qi "permission denied\|PermissionError" "$work/server.log" \
    || fail "permission errors in the server log (the image's user must not need to write the code)"
echo "deploy smoke: ok"
