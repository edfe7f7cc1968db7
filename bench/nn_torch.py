#!/usr/bin/env python3
"""PyTorch CPU side of `npm run bench:nn`: trains the same model on the same kind of synthetic data with
one thread and prints JSON {"sps": [samples/second per repetition]}. Usage: nn_torch.py mlp|cnn BATCH N REPS
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)
model_kind, batch, n, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])

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
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()


def epoch():
    perm = torch.randperm(n)
    for s in range(0, n, batch):
        idx = perm[s : s + batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()


epoch()  # warm-up
sps = []
for _ in range(reps):
    t = time.perf_counter()
    epoch()
    sps.append(n / (time.perf_counter() - t))
print(json.dumps({"sps": sps, "torch": torch.__version__}))
