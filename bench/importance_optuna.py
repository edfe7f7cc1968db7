"""Optuna's FanovaImportanceEvaluator on trials exported by bench/importance.ts.

Reads a JSON file of studies ({name, space, trials: [{params, value}]}) and prints, as JSON, each study's
importances and the seconds they took. Run with Debian's /usr/bin/python3 (python3-optuna, python3-sklearn).
"""
import json
import sys
import time

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.importance import FanovaImportanceEvaluator, get_param_importances

optuna.logging.set_verbosity(optuna.logging.WARNING)


def distribution(d):
    if d["kind"] == "categorical":
        return CategoricalDistribution(d["choices"])
    if d["kind"] == "int":
        return IntDistribution(d["low"], d["high"], log=d["log"], step=1 if d["log"] else d["step"])
    return FloatDistribution(d["low"], d["high"], log=d["log"], step=d["step"])


def main(path, seed):
    with open(path) as f:
        studies = json.load(f)
    out = []
    for s in studies:
        space = {name: distribution(d) for name, d in s["space"].items()}
        study = optuna.create_study(direction="minimize")
        study.add_trials(
            [optuna.trial.create_trial(params=t["params"], distributions=space, value=t["value"]) for t in s["trials"]]
        )
        start = time.perf_counter()
        importances = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=seed))
        out.append({"name": s["name"], "importances": dict(importances), "seconds": time.perf_counter() - start})
    json.dump({"optuna": optuna.__version__, "studies": out}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
