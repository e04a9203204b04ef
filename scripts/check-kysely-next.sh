#!/usr/bin/env bash
# The packed schema-kit in a host on the next Kysely (0.29, which needs Node 22: the `node@22`
# package ships the binary): prepared statements run named and join the host's transaction.
#   bash scripts/check-kysely-next.sh <admin database url>   (npm run build first)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
url=${1:?usage: check-kysely-next.sh <admin database url>}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --prefer-offline "./$tarball" kysely@0.29 pg node@22 typescript@~5.9 @types/pg @types/node@22 >/dev/null
cp "$root/scripts/kysely-next-host.mjs" .
node_modules/.bin/node kysely-next-host.mjs "$url"
# issue 30's host on kysely 0.29 and Node 22: compiled with tsc --strict (no casts) and run
npm pkg set type=module >/dev/null
cp "$root/test/types/host-fit.ts" .
node_modules/.bin/node node_modules/typescript/bin/tsc --strict --target es2022 --module nodenext --moduleResolution nodenext --skipLibCheck false --outDir host-fit-out host-fit.ts
DATABASE_URL="$url" node_modules/.bin/node host-fit-out/host-fit.js > host-fit.out
diff -u "$root/test/types/host-fit.expected.txt" host-fit.out
echo "host-fit runs on kysely 0.29, Node $(node_modules/.bin/node --version)"
