# Optuna's RDB storage on the same workload as bench/storage.ts: N trials split over W worker processes,
# random sampler, 3 parameters and 2 intermediate values per trial. Prints {"trials_per_s": x} as JSON.
# Usage: python3 bench/storage_optuna.py URL WORKERS TRIALS
import json
import multiprocessing as mp
import sys
import time

import optuna


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    y = trial.suggest_float("y", 1e-3, 1, log=True)
    z = trial.suggest_categorical("z", ["a", "b", "c"])
    trial.report(x * x, 0)
    trial.report(x * x + y, 1)
    return x * x + y + (0 if z == "a" else 1)


def worker(url, n_trials, ready, go, seed):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.load_study(study_name="bench", storage=url, sampler=optuna.samplers.RandomSampler(seed=seed))
    ready.release()
    go.wait()
    study.optimize(objective, n_trials=n_trials)


def main():
    url, workers, trials = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    optuna.create_study(study_name="bench", storage=url)
    ctx = mp.get_context("spawn")
    ready, go = ctx.Semaphore(0), ctx.Event()
    procs = [ctx.Process(target=worker, args=(url, trials // workers, ready, go, i)) for i in range(workers)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.acquire()
    start = time.perf_counter()
    go.set()
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - start
    if any(p.exitcode != 0 for p in procs):
        raise SystemExit("a worker failed")
    done = len(optuna.load_study(study_name="bench", storage=url).get_trials(deepcopy=False))
    print(json.dumps({"trials_per_s": done / elapsed, "trials": done, "seconds": elapsed}))


if __name__ == "__main__":
    main()
