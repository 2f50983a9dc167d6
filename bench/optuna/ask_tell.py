"""Optuna's cost per trial on a PostgreSQL RDBStorage, training excluded: study.ask() + study.tell().

    python3 bench/optuna/ask_tell.py postgresql://user:password@host:port/database TRIALS

Prints one line like Podium's queue bench: per trial over the whole study, and over its first and last tenth.
"""
import sys
import time

import optuna

url, trials = sys.argv[1], int(sys.argv[2])
optuna.logging.set_verbosity(optuna.logging.WARNING)
storage = optuna.storages.RDBStorage(url.replace("postgresql://", "postgresql+psycopg2://", 1))
study = optuna.create_study(storage=storage, study_name=f"bench-{trials}-{time.time_ns()}", direction="maximize")
space = {"learning_rate": optuna.distributions.FloatDistribution(1e-4, 1e-1, log=True)}
tenth = max(1, trials // 10)
first = last = 0.0
start = time.perf_counter()
for i in range(trials):
    began = time.perf_counter()
    trial = study.ask(space)
    study.tell(trial, 0.5)
    took = time.perf_counter() - began
    if i < tenth:
        first += took
    if i >= trials - tenth:
        last += took
total = time.perf_counter() - start
print(f"optuna {trials} trials: {1000 * total / trials:.3f} ms per trial (ask + tell); "
      f"first tenth {1000 * first / tenth:.3f} ms, last tenth {1000 * last / tenth:.3f} ms")
