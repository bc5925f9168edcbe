#!/usr/bin/env bash
# The package as a user gets it: `npm pack`, install the tarball into a temporary prefix, then run the installed
# `overseer --version`, `overseer plan` on a fixture, `overseer doctor` (against a dev server the installed package
# starts, and against no server, where it must fail and say how to fix it), `overseer dashboard` and the demo.
# Called at the end of .ci/run.
#   bash scripts/check-package.sh
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
trap 'kill "${dash_pid:-}" "${dev_pid:-}" 2>/dev/null || true; wait "${dev_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
tarball="$(npm pack --silent --pack-destination "$work" | tail -1)"
echo "packed $tarball ($(du -k "$work/$tarball" | cut -f1) KiB)"
npm install -g --prefix "$work/prefix" --no-audit --no-fund --loglevel=error "$work/$tarball" >/dev/null
overseer="$work/prefix/bin/overseer"
cd "$work" # nowhere near the repository: the installed package must stand on its own

version="$("$overseer" --version)"
test "$version" = "$(node -p "require('$OLDPWD/package.json').version")"
echo "overseer --version: $version"

"$overseer" plan "$OLDPWD/examples/auth-epic.yaml" --repo "$work" > plan.txt
grep -q '^epic auth: User authentication' plan.txt
grep -q '^settings (defaults filled in):' plan.txt
echo "overseer plan: ok ($(grep -c '^  auth-' plan.txt) items)"

# No server: doctor fails, naming the problem and its fix.
if TEMPORAL_ADDRESS=127.0.0.1:1 "$overseer" doctor --port 1 > doctor-down.txt; then
  echo "overseer doctor passed with no Temporal server" >&2; cat doctor-down.txt >&2; exit 1
fi
grep -q 'no Temporal server is reachable at 127.0.0.1:1' doctor-down.txt
grep -q 'fix: start one with `overseer dev`' doctor-down.txt

# The installed package's own dev server (its prebuilt workflow bundle), then doctor against it.
port="$(node -e "const s=require('net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})")"
ui="$(node -e "const s=require('net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})")"
"$overseer" dev --port "$port" --ui-port "$ui" --db "$work/dev.db" > dev.log 2>&1 &
dev_pid=$!
for _ in $(seq 1 300); do grep -q 'Ctrl-C to stop' dev.log && break; sleep 0.2; done
grep -q "export TEMPORAL_ADDRESS=127.0.0.1:$port" dev.log || { cat dev.log >&2; exit 1; }
agent=()
[ -n "${OVERSEER_CHECK_AGENT:-}" ] && agent=(--agent-command "$OVERSEER_CHECK_AGENT")
# The dev server's worker may not have polled yet when it says it is ready: ask again for a few seconds.
set +e
for _ in $(seq 1 20); do
  TEMPORAL_ADDRESS="127.0.0.1:$port" "$overseer" doctor --port "$port" --ui-port "$ui" "${agent[@]}" > doctor.txt
  code=$?
  grep -q '✓ workers ' doctor.txt && break
  sleep 0.5
done
set -e
cat doctor.txt
grep -q '✓ temporal ' doctor.txt
grep -q '✓ search attributes' doctor.txt
grep -q '✓ workers ' doctor.txt
grep -q '✓ git ' doctor.txt
if [ -n "${OVERSEER_CHECK_AGENT:-}" ]; then test "$code" = 0; else grep -q 'agent' doctor.txt; fi

# The dashboard from the package (its prebuilt front end): the page and its script are served.
dash="$(node -e "const s=require('net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})")"
TEMPORAL_ADDRESS="127.0.0.1:$port" "$overseer" dashboard --port "$dash" > dashboard.log 2>&1 &
dash_pid=$!
for _ in $(seq 1 150); do grep -q 'Ctrl-C to stop' dashboard.log && break; sleep 0.2; done
node -e "
  const get = (p) => fetch('http://127.0.0.1:$dash' + p).then(async (r) => { if (!r.ok) throw new Error(p + ': ' + r.status); return r.text(); });
  Promise.all([get('/'), get('/app.js')]).then(([page, js]) => {
    if (!page.includes('<title>Overseer</title>') || js.length < 1000) throw new Error('not the dashboard');
  }).catch((e) => { console.error('overseer dashboard:', e.message); process.exit(1); });
" || { cat dashboard.log >&2; exit 1; }
kill -INT "$dash_pid"; wait "$dash_pid" || true
echo "overseer dashboard: ok"
kill -INT "$dev_pid"; wait "$dev_pid" || true; dev_pid=

# The demo, with the simulated agent shipped in the package.
"$overseer" demo --dir "$work/demo" --port "$port" --ui-port "$ui" --delay 100 --no-stay > demo.log 2>&1 || { cat demo.log >&2; exit 1; }
grep -q 'The agent was simulated' demo.log
test "$(git -C "$work/demo/repo" log --merges --oneline main | wc -l)" -ge 6
echo "overseer demo: ok ($(git -C "$work/demo/repo" log --merges --oneline main | wc -l) merges)"
echo "package check: ok"
