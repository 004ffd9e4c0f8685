#!/usr/bin/env bash
# Production shape, natively: the commands docker-compose.yml runs (migrate, collectstatic,
# gunicorn, celery worker, celery beat) with DEBUG=False against local PostgreSQL and Redis.
#
# Checks: /healthz answers 200 "ok" over plain HTTP (exempt from the HTTPS redirect), other
# pages do redirect to HTTPS, pages render with the production headers, WhiteNoise serves
# hashed and vendor static files, beat stays up, and a task makes the round trip through Redis
# to the worker and back. Everything started here is stopped on exit, success or failure.
#
# Overrides: SMOKE_PORT (8765), SMOKE_DB (baiseshejing_smoke, dropped and re-created),
# PGHOST/PGPORT/PGUSER/PGPASSWORD (127.0.0.1/5432/postgres/postgres), SMOKE_REDIS_URL
# (redis://127.0.0.1:6379/2).
set -euo pipefail
set +m  # no job control: each background service must stay the leader of its own setsid group

cd "$(dirname "$0")/.."
ROOT="$PWD"
VENV="$ROOT/.venv/bin"

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
export PGPASSWORD="${PGPASSWORD:-postgres}"
DB="${SMOKE_DB:-baiseshejing_smoke}"
PORT="${SMOKE_PORT:-8765}"
REDIS="${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/2}"

step() { printf '\n==> %s\n' "$*"; }
fail() {
    printf '\nSMOKE FAILED: %s\n' "$*" >&2
    exit 1
}

[[ -x "$VENV/python" ]] || fail "no $VENV/python: run 'make smoke-prod' (it installs first)"
[[ -d node_modules/bootstrap ]] || fail "node_modules is missing (STATICFILES_DIRS points into it): run 'npm ci'"
pg_isready -q -h "$PGHOST" -p "$PGPORT" ||
    fail "PostgreSQL does not answer on $PGHOST:$PGPORT (start it: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start)"
"$VENV/python" - "$REDIS" <<'PY' || fail "Redis does not answer at $REDIS (start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no)"
import sys
import redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()
PY
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    fail "port $PORT is already in use: set SMOKE_PORT to a free port"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/baiseshejing-smoke.XXXXXX")"
PIDS=()

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if ((${#PIDS[@]})); then
        step "stopping ${PIDS[*]}"
        for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
        for _ in $(seq 1 50); do
            alive=0
            for pid in "${PIDS[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
            ((alive)) || break
            sleep 0.2
        done
        for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
        wait 2>/dev/null || true
    fi
    if ((status != 0)); then
        for log in "$WORK"/*.log; do
            [[ -f "$log" ]] || continue
            printf '\n----- last lines of %s -----\n' "$(basename "$log")" >&2
            tail -n 40 "$log" >&2
        done
    fi
    rm -rf "$WORK"
    if ((status == 0)); then
        dropdb --if-exists --force "$DB" 2>/dev/null || true
        [[ -n "${APP_ROLE:-}" ]] && psql -q -d postgres -c "DROP ROLE IF EXISTS \"$APP_ROLE\"" 2>/dev/null || true
        printf '\nSMOKE OK: production shape works (%ss)\n' "$SECONDS"
    else
        echo "(database $DB is kept for inspection; the next run re-creates it)" >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Each service gets its own process group (setsid), so stopping it stops its children too.
start() {
    local name=$1
    shift
    if command -v setsid >/dev/null; then
        setsid "$@" >"$WORK/$name.log" 2>&1 </dev/null &
    else
        "$@" >"$WORK/$name.log" 2>&1 </dev/null &
    fi
    PIDS+=("$!")
    eval "${name//-/_}_PID=$!"
    echo "    $name: pid $!, log $WORK/$name.log"
}

alive() { kill -0 "$1" 2>/dev/null; }

# ------------------------------------------------------------------------------------------------
step "production environment (DEBUG=False) on database $DB, Redis $REDIS, port $PORT"
random() { "$VENV/python" -c 'import secrets; print(secrets.token_urlsafe(50))'; }
export DJANGO_SETTINGS_MODULE=baiseshejing.settings
export DEBUG=False BENCH=False
export SECRET_KEY="$(random)"
export FIELD_ENCRYPTION_KEY="$(random)"
export ALLOWED_HOSTS=127.0.0.1,localhost
OWNER_URL="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$DB"
APP_ROLE="${DB}_app"
# As in production, the services run as a role that owns nothing and may only append to the audit
# log; migrate and db_app_role run as the owner (docs/deployment.md).
APP_URL="postgres://$APP_ROLE:app-$RANDOM$RANDOM@$PGHOST:$PGPORT/$DB"
export DATABASE_URL="$APP_URL"
export REDIS_URL="$REDIS"
export EMAIL_URL=smtp://127.0.0.1:2525
export PUBLIC_BASE_URL="http://127.0.0.1:$PORT"
export MEDIA_ROOT="$WORK/media"
# Not the checkout's staticfiles/: with DEBUG=True WhiteNoise would rescan it on every test request.
export STATIC_ROOT="$WORK/static"
export PYTHONUNBUFFERED=1

dropdb --if-exists --force "$DB"
createdb "$DB"

step "manage.py migrate and db_app_role, as the owner"
DATABASE_URL="$OWNER_URL" "$VENV/python" manage.py migrate --noinput >"$WORK/migrate.log" 2>&1 || fail "migrate failed"
tail -n 3 "$WORK/migrate.log"
DATABASE_URL="$OWNER_URL" APP_DATABASE_URL="$APP_URL" "$VENV/python" manage.py db_app_role || fail "db_app_role failed"

step "manage.py collectstatic"
"$VENV/python" manage.py collectstatic --noinput --clear -v 0 || fail "collectstatic failed"
[[ -f "$STATIC_ROOT/staticfiles.json" ]] || fail "no staticfiles.json in STATIC_ROOT: is the manifest storage active?"

step "starting gunicorn, celery worker and celery beat"
start gunicorn "$VENV/gunicorn" baiseshejing.wsgi --bind "127.0.0.1:$PORT" --workers 2 --timeout 30
start worker "$VENV/celery" -A baiseshejing worker -l info --concurrency 1 -n "smoke-$$@%h"
start beat "$VENV/celery" -A baiseshejing beat -l info --schedule "$WORK/celerybeat-schedule" --pidfile "$WORK/beat.pid"

# ------------------------------------------------------------------------------------------------
step "GET /healthz over plain HTTP answers 200 ok (no HTTPS redirect)"
code=000
for _ in $(seq 1 60); do
    alive "$gunicorn_PID" || fail "gunicorn exited"
    code="$(curl -sS -o "$WORK/healthz.body" -w '%{http_code}' "http://127.0.0.1:$PORT/healthz" 2>/dev/null)" || code=000
    [[ "$code" != 000 ]] && break
    sleep 0.5
done
if [[ "$code" == 301 || "$code" == 302 ]]; then
    fail "/healthz redirects ($code, to $(curl -sS -o /dev/null -w '%{redirect_url}' "http://127.0.0.1:$PORT/healthz")): SECURE_REDIRECT_EXEMPT does not cover it"
fi
[[ "$code" == 200 ]] || fail "/healthz answered $code: $(cat "$WORK/healthz.body" 2>/dev/null)"
[[ "$(cat "$WORK/healthz.body")" == ok ]] || fail "/healthz body is '$(cat "$WORK/healthz.body")', expected 'ok'"
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || fail "curl -f /healthz failed"
echo "    200 ok"

step "other pages over plain HTTP redirect to HTTPS"
read -r code location < <(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}\n' "http://127.0.0.1:$PORT/accounts/login/")
[[ "$code" == 301 && "$location" == https://* ]] || fail "/accounts/login/ over HTTP answered $code $location, expected 301 to https://"
echo "    301 -> $location"

# Behind the TLS proxy (X-Forwarded-Proto: https, SECURE_PROXY_SSL_HEADER).
HTTPS=(-H "X-Forwarded-Proto: https")

step "pages render behind the TLS proxy with the production headers"
for path in /accounts/login/ /p/; do
    curl -sS "${HTTPS[@]}" -D "$WORK/headers" -o "$WORK/page.html" "http://127.0.0.1:$PORT$path" ||
        fail "GET $path failed"
    status="$(head -n 1 "$WORK/headers" | tr -d '\r')"
    [[ "$status" == *" 200"* ]] || fail "GET $path (https) answered '$status'"
    for header in Strict-Transport-Security Content-Security-Policy X-Frame-Options Referrer-Policy; do
        grep -qi "^$header:" "$WORK/headers" || fail "GET $path has no $header header"
    done
    echo "    $path: 200 with HSTS, CSP, X-Frame-Options, Referrer-Policy"
done
curl -sS "${HTTPS[@]}" -D "$WORK/login.headers" -o "$WORK/login.html" "http://127.0.0.1:$PORT/accounts/login/"
if grep -qi '^set-cookie: csrftoken=' "$WORK/login.headers"; then
    grep -qi '^set-cookie: csrftoken=.*; *secure' "$WORK/login.headers" || fail "the csrftoken cookie is not Secure"
fi
grep -Eo '/static/[^"]+\.[0-9a-f]{12}\.css' "$WORK/login.html" | head -n 1 >"$WORK/linked.css" || true
[[ -s "$WORK/linked.css" ]] || fail "the login page links no hashed stylesheet (manifest storage not used?)"

step "WhiteNoise serves static files (hashed from the manifest, and vendor from node_modules)"
hashed="$("$VENV/python" -c 'import json; print(json.load(open(__import__("os").environ["STATIC_ROOT"] + "/staticfiles.json"))["paths"]["css/portal.css"])')"
for url in "/static/$hashed" "$(cat "$WORK/linked.css")" /static/vendor/bootstrap/css/bootstrap.min.css; do
    code="$(curl -sS "${HTTPS[@]}" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$url")"
    [[ "$code" == 200 ]] || fail "GET $url answered $code"
    echo "    200 $url"
done
curl -sS "${HTTPS[@]}" -D "$WORK/static.headers" -o /dev/null "http://127.0.0.1:$PORT/static/$hashed"
grep -qi '^cache-control:.*immutable' "$WORK/static.headers" ||
    fail "hashed static file is not served with a far-future immutable Cache-Control"

step "celery worker takes a task through Redis and answers"
for _ in $(seq 1 60); do
    alive "$worker_PID" || fail "celery worker exited"
    grep -q 'ready\.' "$WORK/worker.log" && break
    sleep 0.5
done
grep -q 'ready\.' "$WORK/worker.log" || fail "celery worker did not become ready in 30 s"
answer="$(timeout 60 "$VENV/python" manage.py shell -c \
    "from core.tasks import ping; print(ping.delay().get(timeout=20))" 2>"$WORK/shell.log" | tail -n 1)" ||
    fail "ping.delay().get() failed: $(tail -n 5 "$WORK/shell.log")"
[[ "$answer" == pong ]] || fail "ping task answered '$answer', expected 'pong'"
grep -q 'core.tasks.ping\[.*\] succeeded' "$WORK/worker.log" || fail "the worker log does not show core.tasks.ping succeeding"
echo "    pong (worker log: core.tasks.ping succeeded)"

step "celery beat stays up"
sleep 3
alive "$beat_PID" || fail "celery beat exited"
grep -q 'beat: Starting' "$WORK/beat.log" || fail "celery beat did not log 'beat: Starting...'"
[[ -s "$WORK/beat.pid" ]] || fail "celery beat wrote no pid file"
echo "    beat pid $beat_PID alive after $SECONDS s"

alive "$gunicorn_PID" || fail "gunicorn died during the checks"
alive "$worker_PID" || fail "celery worker died during the checks"
