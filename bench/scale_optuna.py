# Optuna's RDB storage on bench:scale's workload: W workers, each its own RDBStorage (its own connection)
# and study object, threads in P processes; each trial suggests 3 params, then sleeps trial_ms in `reports`
# steps, reporting after each step and asking should_prune (asked, not obeyed, as tunekit's side does).
# Waits for a line on stdin before starting. Prints one JSON line per worker: trials, wall and sleep seconds.
# Usage: python3 bench/scale_optuna.py URL STUDY WORKERS_IN_THIS_PROCESS TRIAL_MS REPORTS TRIALS_PER_WORKER
import json
import sys
import threading
import time

import optuna
from optuna.storages import RDBStorage


def main():
    url, study_name = sys.argv[1], sys.argv[2]
    workers, trial_ms, reports, n_trials = (int(a) for a in sys.argv[3:7])
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    step = trial_ms / 1000 / reports
    studies = []
    for i in range(workers):
        # Optuna's default pool settings (a pool of one connection cannot open a study).
        storage = RDBStorage(url)
        sampler = optuna.samplers.RandomSampler(seed=i)
        pruner = optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=2)
        studies.append(optuna.load_study(study_name=study_name, storage=storage, sampler=sampler, pruner=pruner))
    print(json.dumps({"event": "ready"}), flush=True)
    sys.stdin.readline()
    go = time.perf_counter()
    results = [None] * workers

    def work(i):
        stats = {"trials": 0, "wall_s": 0.0, "train_s": 0.0, "prunes_wanted": 0}

        def objective(trial):
            x = trial.suggest_float("x", -10, 10)
            y = trial.suggest_float("y", 1e-3, 1, log=True)
            z = trial.suggest_categorical("z", ["a", "b", "c"])
            value = 0.0
            for s in range(reports):
                t0 = time.perf_counter()
                time.sleep(step)
                stats["train_s"] += time.perf_counter() - t0
                value = (x * x + y) / (s + 1) + (0 if z == "a" else 0.1)
                trial.report(value, s)
                if trial.should_prune():
                    stats["prunes_wanted"] += 1
            return value

        def counted(study, trial):
            stats["trials"] += 1
            stats["wall_s"] = time.perf_counter() - go

        studies[i].optimize(objective, n_trials=n_trials, callbacks=[counted])
        results[i] = stats

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"event": "done", "stats": results}), flush=True)


if __name__ == "__main__":
    main()
