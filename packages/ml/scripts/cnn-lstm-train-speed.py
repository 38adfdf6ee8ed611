"""Training speed of the CNN+LSTM in PyTorch on the CPU, for packages/ml/bench/cnn-lstm-train.bench.ts.

The architecture of the benchmark: 30 steps x 20 features, kernels 3/5/7/11 x 32 filters, one
bidirectional LSTM of 64 units, attention over both, dense 32, two heads, joint loss, Adam, batch 64.
Prints one JSON line per repetition: {"samplesPerSecond": ..., "samplesPerCpuSecond": ..., "steps": ...,
"threads": ...} (CPU seconds of the process, all its threads). With
--serve, it waits for a line on stdin before each repetition (the benchmark interleaves its own runs
with these) and stops at the end of stdin.

Run: /usr/bin/python3 packages/ml/scripts/cnn-lstm-train-speed.py [repetitions] [steps] [threads] [--serve]
"""
import importlib.util
import json
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("cnn_lstm_torch", os.path.join(HERE, "cnn-lstm-torch.py"))
cnn_lstm_torch = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cnn_lstm_torch)

BATCH, STEPS, FEATURES = 64, 30, 20


def main():
    serve = "--serve" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--serve"]
    repetitions = int(args[0]) if len(args) > 0 else 5
    steps = int(args[1]) if len(args) > 1 else 10
    if len(args) > 2 and int(args[2]) > 0:
        torch.set_num_threads(int(args[2]))
    torch.manual_seed(0)
    model = cnn_lstm_torch.CnnLstm(STEPS, FEATURES, (3, 5, 7, 11), 32, 4, (64,), 0.1, 32)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(BATCH, STEPS, FEATURES)
    labels = torch.randint(0, 3, (BATCH,))
    returns = torch.randn(BATCH) * 0.01
    weights = torch.ones(3)

    def step():
        optimizer.zero_grad()
        logits, predicted = model(x)
        loss, _, _ = cnn_lstm_torch.joint_loss(logits, predicted, labels, returns, weights, 1.0, 1.0)
        loss.backward()
        optimizer.step()

    for _ in range(3):
        step()
    print(json.dumps({"ready": True, "threads": torch.get_num_threads()}), flush=True)
    for _ in range(repetitions):
        if serve and not sys.stdin.readline():
            break
        start = time.perf_counter()
        cpu = time.process_time()
        for _ in range(steps):
            step()
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
        print(json.dumps({"samplesPerSecond": steps * BATCH / elapsed, "samplesPerCpuSecond": steps * BATCH / cpu, "steps": steps, "threads": torch.get_num_threads()}), flush=True)


if __name__ == "__main__":
    main()
