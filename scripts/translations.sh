#!/bin/sh
# Message catalogues (issue 17): extract the marked strings, merge them into every
# language's .po file, compile the .mo files (committed: a fresh `pip install -e .` needs no
# build step; tests/unit/test_i17_4_catalogues.py checks each .mo matches its .po).
#   scripts/translations.sh update    # after marking new strings: refresh messages.pot and every .po
#   scripts/translations.sh compile   # after translating: write the .mo files
#   scripts/translations.sh init it   # a new language (also add it to healthcheck/languages.py)
set -eu
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
DIR=healthcheck/translations
case "${1:-}" in
  update)
    "$PYBABEL" extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output \
      --omit-header -o "$DIR/messages.pot" .
    "$PYBABEL" update -i "$DIR/messages.pot" -d "$DIR" --no-fuzzy-matching --ignore-obsolete
    ;;
  compile)
    "$PYBABEL" compile -d "$DIR" --statistics
    ;;
  init)
    "$PYBABEL" init -i "$DIR/messages.pot" -d "$DIR" -l "$2"
    ;;
  *)
    echo "usage: $0 update | compile | init LANG" >&2
    exit 2
    ;;
esac
