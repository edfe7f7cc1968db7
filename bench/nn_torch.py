#!/usr/bin/env python3
"""PyTorch CPU side of `npm run bench:nn`, one thread. Reads requests "mlp|cnn BATCH N" from stdin, one per
line, and answers each with a JSON line {"sps": samples/second of one training epoch} ("gemm M N K" answers
{"gflops": ...} for torch.mm); the first request
for a configuration builds the model and runs a warm-up epoch. bench/nn.ts alternates requests with its
own epochs so both sides see the same machine load.
"""
import json
import os
import sys
import time

# torch.set_num_threads(1) does not reach the BLAS: Debian's torch calls OpenBLAS (the pthread build),
# which would otherwise run its GEMMs on every core. Pin all thread pools before importing torch.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import torch  # noqa: E402

torch.set_num_threads(1)
torch.manual_seed(0)


def make(model_kind, n):
    if model_kind == "mlp":
        model = torch.nn.Sequential(
            torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
        )
        x = torch.rand(n, 784)
    else:
        # Same network as bench/nn.ts's CNN, NCHW as PyTorch expects.
        model = torch.nn.Sequential(
            torch.nn.Conv2d(1, 8, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(8, 16, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Flatten(), torch.nn.Linear(16 * 5 * 5, 10),
        )
        x = torch.rand(n, 1, 28, 28)
    y = torch.randint(0, 10, (n,))
    return model, x, y, torch.optim.Adam(model.parameters(), lr=1e-3)


def epoch(state, batch):
    model, x, y, opt = state
    loss_fn = torch.nn.functional.cross_entropy
    n = x.shape[0]
    perm = torch.randperm(n)
    for s in range(0, n, batch):
        idx = perm[s : s + batch]
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x[idx]), y[idx]).backward()
        opt.step()


def gemm_gflops(m, n, k, seconds=0.5):
    a, b = torch.rand(m, k), torch.rand(k, n)
    torch.mm(a, b)
    it, t = 0, time.perf_counter()
    while time.perf_counter() - t < seconds:
        torch.mm(a, b)
        it += 1
    return 2 * m * n * k * it / (time.perf_counter() - t) / 1e9


states = {}
print(json.dumps({"ready": True, "torch": torch.__version__}), flush=True)
for line in sys.stdin:
    if line.startswith("gemm"):
        m, n, k = (int(v) for v in line.split()[1:])
        print(json.dumps({"gflops": gemm_gflops(m, n, k)}), flush=True)
        continue
    kind, batch, n = line.split()
    batch, n = int(batch), int(n)
    key = (kind, batch, n)
    if key not in states:
        states[key] = make(kind, n)
        epoch(states[key], batch)
    t = time.perf_counter()
    epoch(states[key], batch)
    print(json.dumps({"sps": n / (time.perf_counter() - t)}), flush=True)
