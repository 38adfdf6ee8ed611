"""The CNN+LSTM of @rxtrade/ml written in PyTorch, layer for layer (loaded by cnn-lstm-parity.py and
cnn-lstm-train-speed.py; the TypeScript model is packages/ml/src/cnn-lstm/build-cnn-lstm.ts).

Layouts exported to the tfjs model (Keras conventions):
  Conv1d weight [out, in, k]      -> kernel [k, in, out]
  Linear weight [out, in]         -> kernel [in, out]
  LSTM weight_ih [4u, in]         -> kernel [in, 4u]; weight_hh [4u, u] -> recurrent kernel [u, 4u]
  LSTM bias_ih + bias_hh          -> bias [4u]; gates in the same order in both (i, f, g/c, o)
"""
import math

import torch
from torch import nn
import torch.nn.functional as F


class MultiKernelConv1d(nn.Module):
    def __init__(self, features, kernel_sizes, filters):
        super().__init__()
        self.kernel_sizes = kernel_sizes
        self.convs = nn.ModuleList([nn.Conv1d(features, filters, k, padding=k // 2) for k in kernel_sizes])

    def forward(self, x):  # x [B, T, F]
        xt = x.transpose(1, 2)
        return torch.cat([F.relu(conv(xt)) for conv in self.convs], dim=1).transpose(1, 2)


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(width, width)
        self.key = nn.Linear(width, width)
        self.value = nn.Linear(width, width)
        self.output = nn.Linear(width, width)

    def forward(self, x):  # x [B, T, D]
        b, t, d = x.shape
        h = self.heads
        dk = d // h

        def split(y):
            return y.view(b, t, h, dk).transpose(1, 2)  # [B, h, T, dk]

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(dk)
        attended = torch.softmax(scores, dim=-1) @ v
        return self.output(attended.transpose(1, 2).reshape(b, t, d))


class CnnLstm(nn.Module):
    def __init__(self, steps, features, kernel_sizes=(3, 5, 7, 11), filters=32, attention_heads=4, lstm_units=(64,), dropout=0.1, head_units=32):
        super().__init__()
        width = len(kernel_sizes) * filters
        self.conv = MultiKernelConv1d(features, list(kernel_sizes), filters)
        self.residual_projection = nn.Linear(features, width)
        self.conv_attention = MultiHeadSelfAttention(width, attention_heads)
        self.lstms = nn.ModuleList()
        inputs = width
        for units in lstm_units:
            self.lstms.append(nn.LSTM(inputs, units, batch_first=True, bidirectional=True))
            inputs = 2 * units
        self.dropout = nn.Dropout(dropout)
        self.lstm_attention = MultiHeadSelfAttention(inputs, attention_heads)
        self.head_dense = nn.Linear(inputs, head_units) if head_units > 0 else None
        last = head_units if head_units > 0 else inputs
        self.class_logits = nn.Linear(last, 3)
        self.next_return = nn.Linear(last, 1)

    def forward(self, x):
        h = self.conv(x) + self.residual_projection(x)
        h = h + self.conv_attention(h)
        for lstm in self.lstms:
            h, _ = lstm(h)
            h = self.dropout(h)
        h = h + self.lstm_attention(h)
        h = h.mean(dim=1)
        if self.head_dense is not None:
            h = self.dropout(F.relu(self.head_dense(h)))
        return self.class_logits(h), self.next_return(h)


def joint_loss(logits, predicted_return, labels, returns, class_weights, classification_weight, regression_weight):
    """classification_weight * weighted cross-entropy (sum of w[y] * -log p[y] over sum of w[y], PyTorch's
    mean reduction) + regression_weight * mean squared error."""
    ce = F.cross_entropy(logits, labels, weight=class_weights)
    mse = F.mse_loss(predicted_return.squeeze(1), returns)
    return classification_weight * ce + regression_weight * mse, ce, mse


def keras_tensors(model, grads=False):
    """The model's weights (or their gradients) under the tfjs model's `layer/weight` names, Keras layouts."""
    get = (lambda p: p.grad) if grads else (lambda p: p)
    out = {}
    for k, conv in zip(model.conv.kernel_sizes, model.conv.convs):
        out[f"conv/kernel_{k}"] = get(conv.weight).permute(2, 1, 0)
        out[f"conv/bias_{k}"] = get(conv.bias)

    def linear(prefix, lin):
        out[f"{prefix}/kernel"] = get(lin.weight).T
        out[f"{prefix}/bias"] = get(lin.bias)

    linear("residual_projection", model.residual_projection)
    for name in ("conv_attention", "lstm_attention"):
        att = getattr(model, name)
        for part in ("query", "key", "value", "output"):
            lin = getattr(att, part)
            out[f"{name}/{part}_kernel"] = get(lin.weight).T
            out[f"{name}/{part}_bias"] = get(lin.bias)
    for i, lstm in enumerate(model.lstms):
        for direction, suffix in (("forward", ""), ("backward", "_reverse")):
            p = lambda n: get(getattr(lstm, f"{n}_l0{suffix}"))
            out[f"bilstm_{i + 1}/{direction}_kernel"] = p("weight_ih").T
            out[f"bilstm_{i + 1}/{direction}_recurrent_kernel"] = p("weight_hh").T
            # The gradient of either bias is the gradient of their sum.
            out[f"bilstm_{i + 1}/{direction}_bias"] = p("bias_ih") if grads else p("bias_ih") + p("bias_hh")
    if model.head_dense is not None:
        linear("head_dense", model.head_dense)
    linear("class_logits", model.class_logits)
    linear("next_return", model.next_return)
    return {k: v.detach().contiguous() for k, v in out.items()}
