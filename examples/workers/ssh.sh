#!/usr/bin/env bash
# Workers started by hand over ssh: one per host, each training with every core of its machine.
#
#   STORE=postgresql://podium@db.lab:5432/podium bash examples/workers/ssh.sh gpu1 gpu2 gpu3
#
# Each host needs .NET 10 and the podium tool (dotnet tool install --global Podium.Cli), and must reach the store:
# the PostgreSQL server (its password in ~/.pgpass on that host, not on this command line), or a podium serve in front
# of it (STORE=http://db.lab:5000 and PODIUM_TRACKING_TOKEN). Enqueue first, from any machine:
#   podium sweep examples/specs/halving.yaml --workers 0 --store "$STORE"
set -euo pipefail
: "${STORE:?set STORE to the store every host reaches, e.g. postgresql://podium@db.lab:5432/podium}"
sweep=${SWEEP:-}

for host in "$@"; do
  # nohup: the worker goes on when the ssh session ends; its lines go to podium-worker.log on that host.
  ssh "$host" "nohup podium worker --store '$STORE' ${sweep:+--sweep '$sweep'} > podium-worker.log 2>&1 &" &
done
wait
echo "started $# worker(s); follow them with: podium sweep status ${sweep:-NAME} --store '$STORE'"
