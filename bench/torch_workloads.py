"""PyTorch peer for `npm run bench`: the same workloads as bench/workloads.ts, one thread.

Prints one JSON object: GEMM 1024^3 GFLOPS and samples/s of the median step of W1-W4, or with
`--recurrent` only those of W5 (LSTM) and W6 (GRU), training and inference (bench/recurrent.ts).
Run by bench/run.ts when `import torch` works in the chosen interpreter (LAMINA_PYTHON, or
python3); never required.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(1)
QUICK = "--quick" in sys.argv


def median_ms(step, warmup, runs, budget_s=6.0, warmup_s=1.0):
    # The same warm-up as the JavaScript engines (bench/workloads.ts, WARMUP_MS): at least
    # `warmup` steps and at least `warmup_s` seconds.
    start = time.perf_counter()
    done = 0
    while done < warmup or time.perf_counter() - start < warmup_s:
        step()
        done += 1
    times = []
    start = time.perf_counter()
    while len(times) < runs and (not times or time.perf_counter() - start < budget_s):
        t = time.perf_counter()
        step()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return times[len(times) // 2]


def gemm(n):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    ms = median_ms(lambda: torch.mm(a, b), 1, 5)
    return 2 * n**3 / ms / 1e6


def train(model, x, loss_fn, y, batch):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    return 1000 * batch / median_ms(step, 3, 20 if QUICK else 60)


def mlp():
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))


def w1():
    x = torch.randn(128, 784)
    y = torch.arange(128) % 10
    # softmax + categorical cross-entropy, as the Keras model computes it
    return train(mlp(), x, lambda out, t: F.nll_loss(F.log_softmax(out, dim=-1), t), y, 128)


def w2():
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1), nn.Sigmoid())
    x = torch.randn(32, 64)
    y = (torch.arange(32) % 2).float().unsqueeze(1)
    return train(model, x, F.binary_cross_entropy, y, 32)


def w3():
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10),
    )
    x = torch.randn(64, 1, 28, 28)
    y = torch.arange(64) % 10
    return train(model, x, lambda out, t: F.nll_loss(F.log_softmax(out, dim=-1), t), y, 64)


def w4():
    model = mlp()
    x = torch.randn(1024, 784)

    def step():
        with torch.no_grad():
            F.softmax(model(x), dim=-1)

    return 1000 * 1024 / median_ms(step, 2, 10 if QUICK else 30)


class Recurrent(nn.Module):
    """W5/W6: an LSTM or GRU of 128 units over 32 steps of 32 features, then a softmax head."""

    def __init__(self, cell):
        super().__init__()
        self.rnn = (nn.LSTM if cell == "LSTM" else nn.GRU)(32, 128, batch_first=True)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1])


def recurrent(cell, mode):
    model = Recurrent(cell)
    x = torch.randn(64, 32, 32)
    y = torch.arange(64) % 10
    if mode == "train":
        return train(model, x, lambda out, t: F.nll_loss(F.log_softmax(out, dim=-1), t), y, 64)

    def step():
        with torch.no_grad():
            F.softmax(model(x), dim=-1)

    return 1000 * 64 / median_ms(step, 2, 10 if QUICK else 40)


if "--recurrent" in sys.argv:
    print(json.dumps({
        "version": torch.__version__,
        **{f"{w} {m}": recurrent(c, m) for w, c in (("W5", "LSTM"), ("W6", "GRU")) for m in ("train", "infer")},
    }))
    sys.exit(0)

print(json.dumps({
    "version": torch.__version__,
    "GEMM": gemm(512 if QUICK else 1024),
    "W1": w1(),
    "W2": w2(),
    "W3": w3(),
    "W4": w4(),
}))
