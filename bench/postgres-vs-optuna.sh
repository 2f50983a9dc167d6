#!/usr/bin/env bash
# PostgreSQL figures of issue 21, in one go, on a throwaway PostgreSQL cluster on 127.0.0.1 (scripts/postgres.sh):
#   - ingestion of metric points through the library (Run.LogMetric, batched, binary COPY);
#   - the leaderboard's top 50 over 100,000 runs x 30 params x 10 metrics (--runs N to change);
#   - a sweep queue's cost per trial (enqueue + claim + attach + heartbeat + complete, training excluded) at 1,000 and
#     10,000 trials, beside Optuna 3.1's study.ask() + study.tell() on an RDBStorage in the same server, alternating the
#     two sides, each in a database of its own, and the ratio.
#
#   bash bench/postgres-vs-optuna.sh [--runs 100000] [--trials "1000 10000"] [--rounds 2] [--skip-store]
#
# --rounds: how many times each side runs at each size, alternating; --skip-store: only the queue beside Optuna.
#
# Needs Debian's postgresql, python3-optuna and python3-psycopg2 (installed here when missing, as root).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=100000
trials="1000 10000"
rounds=2
store=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --trials) trials=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --skip-store) store=no; shift ;;
    *) echo "usage: bash bench/postgres-vs-optuna.sh [--runs N] [--trials \"1000 10000\"] [--rounds 2] [--skip-store]" >&2; exit 2 ;;
  esac
done

if ! /usr/bin/python3 -c "import optuna, psycopg2" 2>/dev/null || ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql python3-optuna python3-psycopg2 >/dev/null
fi

folder=$(mktemp -d)
chmod 755 "$folder"
trap 'bash scripts/postgres.sh stop "$folder/cluster"; rm -rf "$folder"' EXIT
server=$(bash scripts/postgres.sh start "$folder/cluster")
base=${server%/postgres}
password=${server#postgresql://podium:}
password=${password%%@*}
database() {
  PGPASSWORD=$password psql -q -h 127.0.0.1 -p "${base##*:}" -U podium postgres -c "CREATE DATABASE $1;" >/dev/null
  echo "$base/$1"
}

dotnet build bench/Podium.Bench -c Release --verbosity quiet >/dev/null
bench() { dotnet bench/Podium.Bench/bin/Release/net10.0/Podium.Bench.dll "$@"; }
echo "PostgreSQL $(PGPASSWORD=$password psql -At -h 127.0.0.1 -p "${base##*:}" -U podium postgres -c 'SHOW server_version;') on 127.0.0.1, $(nproc) cores"

if [ "$store" = yes ]; then
  bench ingest --store "$(database ingest)"
  bench leaderboard --runs "$runs" --store "$(database board)"
fi

for n in $trials; do
  # Alternate the sides, twice each, so a drift in the machine's speed shows in both.
  for round in $(seq 1 "$rounds"); do
    podium_line=$(bench queue --trials "$n" --store "$(database "podium_${n}_$round")")
    optuna_line=$(/usr/bin/python3 bench/optuna/ask_tell.py "$(database "optuna_${n}_$round")" "$n")
    echo "$podium_line"
    echo "$optuna_line"
    podium_ms=$(echo "$podium_line" | sed -E 's/.*: ([0-9.]+) ms per trial.*/\1/')
    optuna_ms=$(echo "$optuna_line" | sed -E 's/.*: ([0-9.]+) ms per trial.*/\1/')
    awk -v p="$podium_ms" -v o="$optuna_ms" -v n="$n" 'BEGIN { printf "ratio at %d trials: podium / optuna = %.3f (Optuna %.1f times Podium)\n", n, p / o, o / p }'
  done
done
