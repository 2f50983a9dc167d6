#!/usr/bin/env bash
# Runs every test of Podium and ends with one line: "N passed, N failed".
# Installs what the tests need itself: Debian packages (scripts/setup.sh) and NuGet packages through restore.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests need (scripts/system-needs.txt), installed only where missing.
if ! bash scripts/setup.sh; then
  echo "0 passed, 1 failed"
  exit 1
fi

results=$(mktemp -d)
# A throwaway PostgreSQL cluster for the store tests, on 127.0.0.1 and a free port, as a non-root user; stopped at the end.
postgres=$(mktemp -d)
chmod 755 "$postgres"
trap 'bash scripts/postgres.sh stop "$postgres/cluster"; rm -rf "$results" "$postgres"' EXIT
if ! PODIUM_TEST_POSTGRES=$(bash scripts/postgres.sh start "$postgres/cluster"); then
  echo "the throwaway PostgreSQL server did not start; no test ran"
  echo "0 passed, 1 failed"
  exit 1
fi
export PODIUM_TEST_POSTGRES

if ! dotnet restore Podium.slnx --verbosity quiet || ! dotnet build Podium.slnx --configuration Release --no-restore --verbosity quiet; then
  echo "the build failed; no test ran"
  echo "0 passed, 1 failed"
  exit 1
fi

set +e
dotnet test Podium.slnx --configuration Release --no-build --logger trx --results-directory "$results"
status=$?
set -e

# Count from the test results themselves, not from console text.
passed=0
failed=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*' "$trx" || true)
  count() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The runner failed without reporting a failed test (a crash or a build problem): say so in the count.
  failed=1
fi

echo "$passed passed, $failed failed"
exit "$status"
