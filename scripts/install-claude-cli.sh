#!/usr/bin/env bash
# Installs the pinned Claude Code CLI for the `test:claude` tier, outside package.json (it is ~360 MB and only the
# real-CLI tests need it), then prints the path of the platform binary. Idempotent: nothing is fetched when the
# pinned version is already there.
#   bash scripts/install-claude-cli.sh            # install (if needed) and print the binary's path
# The binary is looked up the same way by test/claude/cli.ts.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${CLAUDE_CLI_VERSION:-2.1.329}"
PREFIX="node_modules/.cache/claude-cli"

find_binary() {
  local dir
  for dir in "$PREFIX"/node_modules/@anthropic-ai/claude-code-*/; do
    [ -x "${dir}claude" ] || continue
    [ "$(node -p "require('./${dir}package.json').version" 2>/dev/null)" = "$VERSION" ] || continue
    echo "${dir}claude"
    return 0
  done
  return 1
}

if ! bin="$(find_binary)"; then
  echo "installing @anthropic-ai/claude-code@$VERSION into $PREFIX" >&2
  mkdir -p "$PREFIX"
  # The wrapper's postinstall only copies the platform binary into place; it may be blocked (npm allowScripts),
  # and the binary in the per-platform optional dependency runs directly, so scripts are not needed.
  npm install --no-save --no-package-lock --ignore-scripts --no-audit --no-fund --loglevel=error \
    --prefix "$PREFIX" "@anthropic-ai/claude-code@$VERSION" >&2
  bin="$(find_binary)" || { echo "no platform binary of @anthropic-ai/claude-code@$VERSION under $PREFIX/node_modules/@anthropic-ai" >&2; exit 1; }
fi
"$bin" --version >&2
echo "$(pwd)/$bin"
