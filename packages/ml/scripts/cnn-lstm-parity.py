"""Writes packages/ml/src/cnn-lstm/__fixtures__/cnn-lstm-parity.json: a small CNN+LSTM in PyTorch
(scripts/cnn-lstm-torch.py), its weights in the tfjs model's layouts, a batch of inputs, the forward pass
(class probabilities, next return) and one training step's joint loss and the gradient of every weight.

Computed in float64 from float32 weights and inputs (the values the tfjs model loads), dropout off.
Run: /usr/bin/python3 packages/ml/scripts/cnn-lstm-parity.py   (python3-torch 1.13, Debian)
"""
import importlib.util
import json
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("cnn_lstm_torch", os.path.join(HERE, "cnn-lstm-torch.py"))
cnn_lstm_torch = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cnn_lstm_torch)
CnnLstm, joint_loss, keras_tensors = cnn_lstm_torch.CnnLstm, cnn_lstm_torch.joint_loss, cnn_lstm_torch.keras_tensors
OUT = os.path.join(HERE, "..", "src", "cnn-lstm", "__fixtures__", "cnn-lstm-parity.json")

CONFIG = dict(steps=12, features=5, kernelSizes=[3, 5, 7], filters=4, attentionHeads=2, lstmUnits=[6, 5], dropout=0.0, headUnits=8, classificationWeight=0.7, regressionWeight=1.3, seed=0)
BATCH = 7
CLASS_WEIGHTS = [1.5, 0.5, 1.0]


def main():
    torch.manual_seed(20240611)
    rng = np.random.default_rng(20240611)
    c = CONFIG
    model = CnnLstm(c["steps"], c["features"], c["kernelSizes"], c["filters"], c["attentionHeads"], c["lstmUnits"], 0.0, c["headUnits"])
    # Every weight float32-representable, then the whole computation in float64.
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.float())
            p.add_(torch.from_numpy(rng.normal(0, 0.15, p.shape).astype(np.float32)).to(p.dtype))
    model = model.double()
    model.eval()
    x = torch.from_numpy(rng.normal(0, 1, (BATCH, c["steps"], c["features"])).astype(np.float32)).double()
    labels = torch.from_numpy(rng.integers(0, 3, BATCH)).long()
    returns = torch.from_numpy(rng.normal(0, 0.02, BATCH).astype(np.float32)).double()
    weights = torch.tensor(CLASS_WEIGHTS, dtype=torch.float64)

    logits, predicted = model(x)
    loss, ce, mse = joint_loss(logits, predicted, labels, returns, weights, c["classificationWeight"], c["regressionWeight"])
    model.zero_grad()
    loss.backward()

    def flat(t):
        return {"shape": list(t.shape), "values": [float(v) for v in t.detach().reshape(-1).tolist()]}

    fixture = {
        "provenance": "packages/ml/scripts/cnn-lstm-parity.py, PyTorch " + torch.__version__ + ", float64, dropout off",
        "config": c,
        "classWeights": CLASS_WEIGHTS,
        "input": flat(x),
        "labels": labels.tolist(),
        "returns": [float(v) for v in returns.tolist()],
        "weights": {k: flat(v) for k, v in keras_tensors(model).items()},
        "probabilities": flat(torch.softmax(logits, dim=1)),
        "nextReturn": flat(predicted),
        "loss": float(loss),
        "crossEntropy": float(ce),
        "meanSquaredError": float(mse),
        "gradients": {k: flat(v) for k, v in keras_tensors(model, grads=True).items()},
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    print("wrote", OUT, os.path.getsize(OUT), "bytes; loss", float(loss))


if __name__ == "__main__":
    main()
