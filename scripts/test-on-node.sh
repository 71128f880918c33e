#!/usr/bin/env bash
# Runs the README's test command on another Node major version, the way a fresh machine with that
# Node would: a clean clone of HEAD, `npm ci`, `npm test`, with the runtime (and its headers, for
# the native addons' builds) taken from the npm registry's node-<os>-<arch> package, so no other
# download is needed. Usage: bash scripts/test-on-node.sh 22   (package.json#engines states the
# range this supports; docs/desktop.md says which versions were tested). Anything after the
# version runs instead of `npm test`: bash scripts/test-on-node.sh 22 npx vitest run test/e2e/x.test.ts
set -euo pipefail
major="${1:?usage: scripts/test-on-node.sh <node major version, e.g. 22> [command instead of npm test]}"
shift
repo="$(cd "$(dirname "$0")/.." && pwd)"
platform="$(node -p 'process.platform + "-" + process.arch')"
cache="${COMPARO_NODE_CACHE:-$HOME/.cache/comparo/node}"
mkdir -p "$cache"

# The newest release of that major, as the registry's node-<platform> package.
version="$(npm view "node-$platform@$major" version | tail -1 | sed -E "s/.*'([0-9.]+)'.*/\1/; s/^node-[^@]*@//")"
runtime="$cache/node-$platform-$version"
if [ ! -x "$runtime/bin/node" ]; then
  tarball="$(cd "$cache" && npm pack --silent "node-$platform@$version")"
  mkdir -p "$runtime"
  tar xzf "$cache/$tarball" -C "$runtime" --strip-components=1
  rm -f "$cache/$tarball"
fi
echo "node $("$runtime/bin/node" --version) from node-$platform@$version"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone -q "$repo" "$work/repo"
cd "$work/repo"
# npm and every script it runs get this node; node-gyp builds against its headers.
export PATH="$runtime/bin:$PATH"
export npm_config_nodedir="$runtime"
npm ci --no-audit --no-fund
if [ $# -gt 0 ]; then npm run -s build:renderer && "$@"; else npm test; fi
