#!/usr/bin/env bash
# Run the production stack locally: PostgreSQL, nginx in front (deploy/nginx.conf: it buffers
# requests and responses, so slow clients never hold a gunicorn worker), gunicorn with several
# sync workers on a private port, one scheduler process, Redis for shared rate limits.
# Ctrl-C stops everything.
#   DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test scripts/stack.sh
# BIND (default 127.0.0.1:8000) is where nginx listens; gunicorn listens on UPSTREAM
# (default 127.0.0.1:8001), which only nginx should reach.
set -euo pipefail
cd "$(dirname "$0")/.."
export HEALTHCHECK_SQLALCHEMY_DATABASE_URI="${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
export HEALTHCHECK_RATELIMIT_STORAGE_URI="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export HEALTHCHECK_WORKERS="${WORKERS:-4}"
export HEALTHCHECK_BIND="${UPSTREAM:-127.0.0.1:8001}"
export HEALTHCHECK_TRUSTED_PROXIES=1  # nginx sets X-Forwarded-For to the client's address
export HEALTHCHECK_COMPRESS_RESPONSES=false  # nginx compresses (deploy/nginx.conf)
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$nginx_bin" ] || { echo "nginx is required in front of gunicorn: apt-get install nginx" >&2; exit 1; }
bin="${VENV:-.venv}/bin"  # the README set-up makes .venv
$bin/healthcheck init            # secret key, schema, questionnaire library
[ "${DEMO:-1}" = 1 ] && $bin/healthcheck demo
$bin/healthcheck scheduler & scheduler=$!
runtime="$PWD/instance/nginx"
conf="$($bin/python scripts/nginx.py --listen "${BIND:-127.0.0.1:8000}" --upstream "$HEALTHCHECK_BIND" --runtime "$runtime")"
"$nginx_bin" -c "$conf" -p "$runtime" & nginx=$!
trap 'kill $scheduler $nginx 2>/dev/null' EXIT
echo "serving on http://${BIND:-127.0.0.1:8000} (nginx) -> gunicorn on $HEALTHCHECK_BIND"
$bin/gunicorn -c gunicorn.conf.py 'healthcheck:create_app()'
