#!/usr/bin/env bash
# Run the production stack locally: PostgreSQL, gunicorn with several workers, one
# scheduler process, Redis for shared rate limits. Ctrl-C stops everything.
#   DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test scripts/stack.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export HEALTHCHECK_SQLALCHEMY_DATABASE_URI="${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
export HEALTHCHECK_RATELIMIT_STORAGE_URI="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export HEALTHCHECK_WORKERS="${WORKERS:-4}"
bin="${VENV:-.venv}/bin"  # the README set-up makes .venv
$bin/healthcheck init            # secret key, schema, questionnaire library
[ "${DEMO:-1}" = 1 ] && $bin/healthcheck demo
$bin/healthcheck scheduler & scheduler=$!
trap 'kill $scheduler 2>/dev/null' EXIT
$bin/gunicorn -c gunicorn.conf.py 'healthcheck:create_app()'
