"""PyTorch peer for `npm run bench`: the same workloads as bench/workloads.ts, one thread.

Prints one JSON object: GEMM 1024^3 GFLOPS (n from `--gemm=n`) and samples/s of the median step
of W1-W4 and W7, with the same per CPU second under "cpu"; or with
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


# Per-second figures of CPU time (time.process_time, this process), keyed like the wall-clock
# ones: on a shared host they leave out the time other processes took (bench/alternate.ts).
CPU = {}


def warm_up(step, warmup, warmup_s=1.0):
    # The same warm-up as the JavaScript engines (bench/workloads.ts, WARMUP_MS): at least
    # `warmup` steps and at least `warmup_s` seconds.
    start = time.perf_counter()
    done = 0
    while done < warmup or time.perf_counter() - start < warmup_s:
        step()
        done += 1


def median_ms(step, warmup, runs, budget_s=6.0, key=None, work=1.0):
    warm_up(step, warmup)
    times = []
    cpu = []
    start = time.perf_counter()
    while len(times) < runs and (not times or time.perf_counter() - start < budget_s):
        t = time.perf_counter()
        c = time.process_time()
        step()
        cpu.append((time.process_time() - c) * 1000)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    cpu.sort()
    if key is not None:
        CPU[key] = 1000 * work / max(cpu[len(cpu) // 2], 1e-3)
    return times[len(times) // 2]


def gemm_step(n):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    return (lambda: torch.mm(a, b)), 2 * n**3 / 1e9


def train_step(model, x, loss_fn, y):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    return step, x.shape[0]


def infer_step(model, x):
    def step():
        with torch.no_grad():
            F.softmax(model(x), dim=-1)

    return step, x.shape[0]


def mlp():
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10),
    )


def categorical(out, t):
    # softmax + categorical cross-entropy, as the Keras model computes it
    return F.nll_loss(F.log_softmax(out, dim=-1), t)


def w1():
    return train_step(mlp(), torch.randn(128, 784), categorical, torch.arange(128) % 10)


def w2():
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1), nn.Sigmoid())
    y = (torch.arange(32) % 2).float().unsqueeze(1)
    return train_step(model, torch.randn(32, 64), F.binary_cross_entropy, y)


def w3():
    return train_step(cnn(), torch.randn(64, 1, 28, 28), categorical, torch.arange(64) % 10)


def w4():
    return infer_step(mlp(), torch.randn(1024, 784))


def w7():
    """W3's model predicting on a batch of 256 (bench/workloads.ts, INFER_SPECS)."""
    return infer_step(cnn(), torch.randn(256, 1, 28, 28))


WORKLOADS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W7": w7}


def workload(name):
    """(step, work per step) of a workload name: W1-W4, W7, or GEMM<n>."""
    if name.startswith("GEMM"):
        return gemm_step(int(name[4:]))
    return WORKLOADS[name]()


def measure(name, runs):
    step, work = workload(name)
    ms = median_ms(step, 3, runs, key=name, work=work)
    return 1000 * work / ms


def serve():
    """Step server for bench/alternate.ts: reads workload names, one a line; for each runs one step
    (the workload set up and warmed on first use) and prints its wall and CPU milliseconds."""
    steps = {}
    for line in sys.stdin:
        name = line.strip()
        if name not in steps:
            step, _ = workload(name)
            warm_up(step, 3)
            steps[name] = step
        t = time.perf_counter()
        c = time.process_time()
        steps[name]()
        cpu = (time.process_time() - c) * 1000
        wall = (time.perf_counter() - t) * 1000
        print(json.dumps({"wall": wall, "cpu": cpu}), flush=True)


if "--serve" in sys.argv:
    serve()
    sys.exit(0)


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
    if mode == "train":
        step, work = train_step(model, x, categorical, torch.arange(64) % 10)
        return 1000 * work / median_ms(step, 3, 20 if QUICK else 60)
    step, work = infer_step(model, x)
    return 1000 * work / median_ms(step, 2, 10 if QUICK else 40)


if "--recurrent" in sys.argv:
    print(json.dumps({
        "version": torch.__version__,
        **{f"{w} {m}": recurrent(c, m) for w, c in (("W5", "LSTM"), ("W6", "GRU")) for m in ("train", "infer")},
    }))
    sys.exit(0)

GEMM_N = [int(a.split("=")[1]) for a in sys.argv if a.startswith("--gemm=")]
GEMM_NAME = f"GEMM{GEMM_N[0] if GEMM_N else 512 if QUICK else 1024}"
wall = {
    "version": torch.__version__,
    "GEMM": measure(GEMM_NAME, 5),
    **{w: measure(w, (10 if QUICK else 30) if w in ("W4", "W7") else 20 if QUICK else 60) for w in WORKLOADS},
}
CPU["GEMM"] = CPU.pop(GEMM_NAME)
print(json.dumps({**wall, "cpu": CPU}))
