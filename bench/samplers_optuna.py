# Optuna's side of `npm run bench:samplers`: the same problems (bench/sampler-problems.ts), budgets and
# seeds with Optuna's TPE (defaults, and multivariate), plus ask overhead at N completed trials.
# Reads a JSON request on stdin, writes a JSON answer on stdout. Needs Debian's python3-optuna.
import json
import math
import statistics
import sys
import time

import numpy as np
import optuna

import warnings

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)

BRANIN_OPT = 0.39788735772973816
H6_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
H6_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                        [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
H6_ALPHA = np.array([1, 1.2, 3, 3.2])


def branin(x):
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x[1] - b * x[0] ** 2 + c * x[0] - 6) ** 2 + 10 * (1 - t) * math.cos(x[0]) + 10


def hartmann6(x):
    x = np.asarray(x)
    return float(-np.sum(H6_ALPHA * np.exp(-np.sum(H6_A * (x - H6_P) ** 2, axis=1))))


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def ackley(x):
    n = len(x)
    return -20 * math.exp(-0.2 * math.sqrt(sum(v * v for v in x) / n)) - math.exp(sum(math.cos(2 * math.pi * v) for v in x) / n) + 20 + math.e


def levy(x):
    w = [1 + (v - 1) / 4 for v in x]
    s = math.sin(math.pi * w[0]) ** 2
    for i in range(len(w) - 1):
        s += (w[i] - 1) ** 2 * (1 + 10 * math.sin(math.pi * w[i] + 1) ** 2)
    return s + (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)


def styblinski(x):
    return sum(v ** 4 - 16 * v ** 2 + 5 * v for v in x) / 2


def box(f, bounds, opt):
    names = [f"x{i}" for i in range(len(bounds))]
    def objective(trial):
        return f([trial.suggest_float(n, lo, hi) for n, (lo, hi) in zip(names, bounds)])
    def true_value(p):
        return f([p[n] for n in names])
    return objective, true_value, opt


ACT = {"relu": 0, "elu": 0.1, "tanh": 0.3, "sigmoid": 1}


def mixed_value(p):
    return ((p["x"] - 1.2) ** 2 / 4 + (math.log10(p["lr"]) + 2.5) ** 2 / 2 + ((p["units"] - 240) / 128) ** 2
            + (p["layers"] - 3) ** 2 / 4 + ACT[p["activation"]])


def mixed_objective(t):
    return mixed_value({"x": t.suggest_float("x", -5, 5), "lr": t.suggest_float("lr", 1e-5, 1, log=True),
                        "units": t.suggest_int("units", 16, 512, step=16), "layers": t.suggest_int("layers", 1, 8),
                        "activation": t.suggest_categorical("activation", ["relu", "tanh", "sigmoid", "elu"])})


def conditional_value(p):
    if p["model"] == "branin":
        return branin([p["b1"], p["b2"]])
    if p["model"] == "sphere":
        return 2 + (p["s1"] - 0.5) ** 2 + (p["s2"] + 0.5) ** 2
    return 1 + hartmann6([p["h1"], p["h2"], 0.3, 0.3, 0.3, 0.6]) + 3.3224


def conditional_objective(t):
    model = t.suggest_categorical("model", ["branin", "sphere", "hartmann3"])
    p = {"model": model}
    if model == "branin":
        p.update(b1=t.suggest_float("b1", -5, 10), b2=t.suggest_float("b2", 0, 15))
    elif model == "sphere":
        p.update(s1=t.suggest_float("s1", -2, 2), s2=t.suggest_float("s2", -2, 2))
    else:
        p.update(h1=t.suggest_float("h1", 0, 1), h2=t.suggest_float("h2", 0, 1))
    return conditional_value(p)


def problem(name):
    if name == "branin":
        return box(branin, [(-5, 10), (0, 15)], BRANIN_OPT)
    if name in ("hartmann6", "hartmann6_noisy"):
        objective, true_value, opt = box(hartmann6, [(0, 1)] * 6, -3.322368011391339)
        if name == "hartmann6_noisy":
            rng = np.random.RandomState(12345)
            return (lambda t: objective(t) + 0.1 * rng.randn()), true_value, opt
        return objective, true_value, opt
    if name.startswith("rosenbrock"):
        return box(rosenbrock, [(-5, 10)] * int(name[len("rosenbrock"):]), 0.0)
    if name == "ackley5":
        return box(ackley, [(-32.768, 32.768)] * 5, 0.0)
    if name == "levy5":
        return box(levy, [(-10, 10)] * 5, 0.0)
    if name == "styblinski_tang8":
        return box(styblinski, [(-5, 5)] * 8, -39.16616570377142 * 8)
    if name == "mixed_int_cat":
        return mixed_objective, mixed_value, 0.0
    if name == "conditional":
        return conditional_objective, conditional_value, BRANIN_OPT
    raise ValueError(name)


SAMPLERS = {
    "optuna_tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
    "optuna_tpe_mv": lambda seed: optuna.samplers.TPESampler(seed=seed, multivariate=True, warn_independent_sampling=False),
}


def regret_curve(name, sampler_name, seed, budgets):
    objective, true_value, opt = problem(name)
    study = optuna.create_study(sampler=SAMPLERS[sampler_name](seed))
    study.optimize(objective, n_trials=max(budgets))
    out, best, best_true = [], math.inf, math.inf
    trials = study.get_trials(deepcopy=False)
    for i, t in enumerate(trials):
        if t.value is not None and t.value < best:
            best, best_true = t.value, true_value(t.params)
        if i + 1 in budgets:
            out.append(best_true - opt)
    return out


def ask_overhead(n_trials, dims, repeats, warmup):
    dists = {f"x{i}": optuna.distributions.FloatDistribution(0, 1) for i in range(dims)}
    rng = np.random.RandomState(0)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
    study.add_trials([optuna.trial.create_trial(params={k: float(rng.rand()) for k in dists}, distributions=dists,
                                                value=float(rng.rand())) for _ in range(n_trials)])
    times = []
    for r in range(warmup + repeats):
        t0 = time.perf_counter()
        trial = study.ask()
        for k in dists:
            trial.suggest_float(k, 0, 1)
        if r >= warmup:
            times.append((time.perf_counter() - t0) * 1000)
        study.tell(trial, float(rng.rand()))
    return statistics.median(times)


def main():
    req = json.load(sys.stdin)
    cells = []
    for name in req["problems"]:
        for sampler_name in SAMPLERS:
            for seed in req["seeds"]:
                cells.append({"problem": name, "sampler": sampler_name, "seed": seed,
                              "regrets": regret_curve(name, sampler_name, seed, req["budgets"])})
            print(f"optuna: {name} {sampler_name} done", file=sys.stderr, flush=True)
    overhead = {str(n): ask_overhead(n, req["overheadDims"], req["overheadRepeats"], req["overheadWarmup"]) for n in req["overheadTrials"]}
    json.dump({"version": optuna.__version__, "cells": cells, "askMs": overhead}, sys.stdout)


if __name__ == "__main__":
    main()
