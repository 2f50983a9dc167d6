#!/usr/bin/env bash
# The podium command's cold start, whole process, as a user types it: `podium board` on a store of 1,000 runs and
# `podium --version`, timed by hyperfine (Debian's package, installed here when missing). Three builds side by side:
#   base   the commit BASE (default fa82ea2, before the tool was packed), published framework-dependent
#   tool   this tree, framework-dependent: what `dotnet pack` puts in the Podium.Cli tool
#   r2r    this tree precompiled (ReadyToRun) for this machine: what -p:ToolPlatforms=RID packs
# The machine's speed drifts over minutes, so the builds alternate for ROUNDS rounds (default 3) and each
# build's median over all its runs is reported, with the ratio to base.
#   bash bench/cold-start.sh            (ROUNDS=3 RUNS=10 BASE=fa82ea2)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
runs=${RUNS:-10}
base=${BASE:-fa82ea2}
rid=$(dotnet --info | awk '/^ RID:/ {print $2; exit}')
out=$(mktemp -d)
trap 'git worktree remove --force "$out/base-tree" >/dev/null 2>&1 || true; rm -rf "$out"' EXIT

command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }

echo "publishing base ($base), tool and r2r ($rid)..."
git worktree add --detach "$out/base-tree" "$base" >/dev/null 2>&1
dotnet publish "$out/base-tree/src/Podium.Cli" -c Release -o "$out/base" --verbosity quiet >/dev/null
dotnet publish src/Podium.Cli -c Release -o "$out/tool" --verbosity quiet >/dev/null
dotnet publish src/Podium.Cli -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$out/r2r" --verbosity quiet >/dev/null

echo "making a store of 1,000 runs (30 params, 10 metrics each)..."
dotnet run -c Release --project bench/Podium.Bench -- leaderboard --runs 1000 --store "$out/store" >/dev/null
cd "$out"

for round in $(seq "$rounds"); do
  for build in base tool r2r; do
    hyperfine -N --warmup 2 --runs "$runs" --export-json "$out/$build-board-$round.json" "$out/$build/podium board --store $out/store" >/dev/null 2>&1
    hyperfine -N --warmup 2 --runs "$runs" --export-json "$out/$build-version-$round.json" "$out/$build/podium --version" >/dev/null 2>&1
  done
done

/usr/bin/python3 - "$out" "$rounds" "$base" <<'PY'
import json, statistics, sys
out, rounds, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def median(build, what):
    times = []
    for r in range(1, rounds + 1):
        times += json.load(open(f"{out}/{build}-{what}-{r}.json"))["results"][0]["times"]
    return statistics.median(times) * 1000, len(times)
print(f"cold start, whole process, median wall time over {rounds} alternating rounds")
print(f"{'build':<34} {'board, 1,000 runs':>18} {'--version':>10}")
b_board, n = median("base", "board"); b_version, _ = median("base", "version")
for build, label in [("base", f"base {base}"), ("tool", "tool (framework-dependent)"), ("r2r", "tool, ReadyToRun")]:
    board, _ = median(build, "board"); version, _ = median(build, "version")
    print(f"{label:<34} {board:>15.0f} ms {version:>7.0f} ms   ({board / b_board:.2f}x, {version / b_version:.2f}x of base; {n} runs each)")
PY
