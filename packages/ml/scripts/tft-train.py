#!/usr/bin/python3
"""Trains a small Temporal Fusion Transformer-style quantile forecaster on S&P 500 daily closes with
PyTorch (Debian python3-torch 1.13), exports it to ONNX and writes the references of
packages/ml/src/forecast/__fixtures__:

    /usr/bin/python3 packages/ml/scripts/tft-train.py

Data: sp500-close.csv.gz, the date and close columns of data/sp500-2000.csv of the npm package
vega-datasets 3.2.1 (S&P 500 daily closes, 2000-01-03 to 2020-04-17).

Features per bar, computed here with numpy and pandas from their definitions (the TypeScript tests
compute them with core's toFeatures and compare):
    logret1  ln(close / previous close)
    logret5  ln(close / close 5 bars before)
    vol20    sqrt(252) * sample sd of the last 20 one-bar log returns
    z20      (close - mean) / population sd over the last 20 closes
    rsi14    Wilder's RSI(14), TA-Lib's seeding
Input: the last 32 rows (oldest first). Targets: the log return from the window's last close to the
close 1, 5 and 10 bars later. Outputs [N, 3 horizons, 3 quantiles]: the 10th, 50th and 90th
percentiles, non-crossing by construction (median, median - softplus, median + softplus), in units of
each horizon's training target sd times that sd.

Model (Lim et al., "Temporal Fusion Transformers for interpretable multi-horizon time series
forecasting", 2021, reduced to one encoder): the features are standardised inside the model (training
means and sds as constants); a variable selection network (a gated residual network over all
features' embeddings, softmax weights) mixes per-feature embeddings; an LSTM encodes the window; a gate,
residual and layer norm; multi-head self-attention from the last step over the window; another gate and
norm; a gated residual network; and one linear head per horizon and quantile. Trained with the pinball
(quantile) loss on windows ending before 2015 and evaluated on the windows after.
"""
import base64
import gzip
import json
import os

import numpy as np
import onnx
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
OUT = os.path.join(ROOT, 'packages', 'ml', 'src', 'forecast', '__fixtures__')
WINDOW = 32
HORIZONS = (1, 5, 10)
QUANTILES = (0.1, 0.5, 0.9)
NAMES = ('logret1', 'logret5', 'vol20', 'z20', 'rsi14')
SPLIT_DATE = '2015-01-01'
OPSET = 17


def rsi(close, period=14):
    out = np.full(len(close), np.nan)
    diff = np.diff(close)
    gain = np.where(diff > 0, diff, 0.0)
    loss = np.where(diff < 0, -diff, 0.0)
    g, l = gain[:period].sum() / period, loss[:period].sum() / period
    out[period] = 0.0 if abs(g + l) < 1e-14 else 100 * g / (g + l)
    for i in range(period, len(diff)):
        g = (g * (period - 1) + gain[i]) / period
        l = (l * (period - 1) + loss[i]) / period
        out[i + 1] = 0.0 if abs(g + l) < 1e-14 else 100 * g / (g + l)
    return out


def features(close):
    c = pd.Series(close)
    lr = np.log(c / c.shift(1))
    mean20, sd20 = c.rolling(20).mean(), c.rolling(20).std(ddof=0)
    cols = [lr, np.log(c / c.shift(5)), np.sqrt(252) * lr.rolling(20).std(ddof=1),
            np.where(sd20 == 0, 0.0, (c - mean20) / sd20), rsi(close, 14)]
    return np.column_stack([np.asarray(x, dtype=np.float64) for x in cols])


class Glu(nn.Module):
    """Gated linear unit of the TFT: a * sigmoid(b), written out so that the ONNX graph is plain ops."""

    def __init__(self, d_in, d_out):
        super().__init__()
        self.a = nn.Linear(d_in, d_out)
        self.b = nn.Linear(d_in, d_out)

    def forward(self, x):
        return self.a(x) * torch.sigmoid(self.b(x))


class Grn(nn.Module):
    """Gated residual network: LayerNorm(skip(x) + GLU(W2 ELU(W1 x)))."""

    def __init__(self, d_in, d_hidden, d_out):
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.fc2 = nn.Linear(d_hidden, d_hidden)
        self.glu = Glu(d_hidden, d_out)
        self.skip = nn.Linear(d_in, d_out) if d_in != d_out else nn.Identity()
        self.norm = nn.LayerNorm(d_out)

    def forward(self, x):
        return self.norm(self.skip(x) + self.glu(self.fc2(F.elu(self.fc1(x)))))


class QuantileTft(nn.Module):
    def __init__(self, mean, sd, target_sd, n_features=len(NAMES), d=16, heads=4):
        super().__init__()
        self.register_buffer('mean', torch.tensor(mean, dtype=torch.float32))
        self.register_buffer('sd', torch.tensor(sd, dtype=torch.float32))
        # The heads answer in units of each horizon's target sd: activations stay of order 1.
        self.register_buffer('target_sd', torch.tensor(target_sd, dtype=torch.float32).reshape(1, -1, 1))
        self.embed_w = nn.Parameter(torch.randn(n_features, d) * 0.3)
        self.embed_b = nn.Parameter(torch.zeros(n_features, d))
        self.select = Grn(n_features * d, d, n_features)
        self.lstm = nn.LSTM(d, d, batch_first=True)
        self.lstm_gate = Glu(d, d)
        self.lstm_norm = nn.LayerNorm(d)
        self.attention = nn.MultiheadAttention(d, heads, batch_first=True)
        self.attn_gate = Glu(d, d)
        self.attn_norm = nn.LayerNorm(d)
        self.post = Grn(d, d, d)
        self.head = nn.Linear(d, len(HORIZONS) * len(QUANTILES))

    def forward(self, x):  # x: [N, WINDOW, F] raw features
        n, t, f = x.shape
        z = (x - self.mean) / self.sd
        e = z.unsqueeze(-1) * self.embed_w + self.embed_b                      # [N, T, F, d]
        weights = torch.softmax(self.select(e.reshape(n, t, -1)), dim=-1)    # [N, T, F]
        v = (weights.unsqueeze(-1) * e).sum(dim=2)                           # [N, T, d]
        h, _ = self.lstm(v)
        h = self.lstm_norm(v + self.lstm_gate(h))
        last = h[:, -1:, :]
        a, _ = self.attention(last, h, h, need_weights=False)
        a = self.attn_norm(last + self.attn_gate(a))
        out = self.head(self.post(a[:, 0, :])).reshape(n, len(HORIZONS), len(QUANTILES))
        median = out[:, :, 1]
        low = median - F.softplus(out[:, :, 0])
        high = median + F.softplus(out[:, :, 2])
        return torch.stack([low, median, high], dim=-1) * self.target_sd     # [N, H, Q]


def pinball(pred, y):
    q = torch.tensor(QUANTILES, dtype=pred.dtype)
    err = y.unsqueeze(-1) - pred
    return torch.maximum(q * err, (q - 1) * err).mean()


def main():
    torch.manual_seed(11)
    np.random.seed(11)
    torch.set_num_threads(2)
    data = pd.read_csv(os.path.join(OUT, 'sp500-close.csv.gz'))
    close = data['close'].to_numpy(dtype=np.float64)
    x = features(close)
    first = int(np.argmax(~np.isnan(x).any(axis=1)))  # first complete row
    log_close = np.log(close)
    ends = np.arange(first + WINDOW - 1, len(close))                       # window ends (inclusive)
    windows = np.stack([x[e - WINDOW + 1:e + 1] for e in ends]).astype(np.float32)
    targets = np.stack([[log_close[e + h] - log_close[e] if e + h < len(close) else np.nan for h in HORIZONS] for e in ends])
    dates = data['date'].to_numpy()
    # A training target must end before the split: no window sees the evaluation period.
    train = np.array([e + max(HORIZONS) < len(close) and dates[e + max(HORIZONS)] < SPLIT_DATE for e in ends])
    test = np.array([dates[e] >= SPLIT_DATE and e + max(HORIZONS) < len(close) for e in ends])
    flat = x[first:][dates[first:] < SPLIT_DATE]
    target_sd = targets[train].std(axis=0)
    model = QuantileTft(flat.mean(axis=0), flat.std(axis=0), target_sd)
    xt, yt = torch.tensor(windows[train]), torch.tensor(targets[train], dtype=torch.float32)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(12):
        perm = torch.randperm(len(xt))
        total = 0.0
        for i in range(0, len(xt), 128):
            idx = perm[i:i + 128]
            opt.zero_grad()
            loss = pinball(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f'epoch {epoch}: train pinball {total / len(xt):.6f}')
    model.eval()

    with torch.no_grad():
        xe, ye = torch.tensor(windows[test]), torch.tensor(targets[test], dtype=torch.float32)
        pred = model(xe)
        test_loss = pinball(pred, ye).item()
        # The naive forecaster: the training targets' unconditional quantiles for every window.
        naive = torch.tensor(np.quantile(targets[train], QUANTILES, axis=0).T, dtype=torch.float32).expand(len(xe), -1, -1)
        naive_loss = pinball(naive, ye).item()
        inside = ((ye >= pred[:, :, 0]) & (ye <= pred[:, :, 2])).float().mean(dim=0).tolist()
        print(f'test pinball {test_loss:.6f}, unconditional quantiles {naive_loss:.6f}, 10-90 coverage {inside}')

    onnx_path = os.path.join(OUT, 'tft-sp500.onnx')
    torch.onnx.export(model, torch.tensor(windows[:2]), onnx_path, opset_version=OPSET,
                      input_names=['window'], output_names=['quantiles'],
                      dynamic_axes={'window': {0: 'batch'}, 'quantiles': {0: 'batch'}})
    onnx.checker.check_model(onnx.load(onnx_path))

    # The reference: PyTorch's outputs for the last 400 windows (float32), the features of the last
    # 600 bars (float64, for comparing with toFeatures: the windows lie in them) and the evaluation.
    last = 400
    tail = 600
    with torch.no_grad():
        ref = model(torch.tensor(windows[-last:])).numpy().astype('<f4')
    fixture = {
        'provenance': f'packages/ml/scripts/tft-train.py with PyTorch {torch.__version__} on sp500-close.csv.gz',
        'names': list(NAMES),
        'window': WINDOW,
        'horizons': list(HORIZONS),
        'quantiles': list(QUANTILES),
        'opset': OPSET,
        'bars': len(close),
        'firstFeatureRow': first,
        'featureRows': tail,
        'features': base64.b64encode(x[-tail:].astype('<f8').tobytes()).decode(),
        'referenceEnds': [int(e) for e in ends[-last:]],
        'reference': base64.b64encode(ref.tobytes()).decode(),
        'targetSd': [float(v) for v in target_sd],
        'evaluation': {'split': SPLIT_DATE, 'trainWindows': int(train.sum()), 'testWindows': int(test.sum()),
                       'testPinball': test_loss, 'unconditionalPinball': naive_loss, 'coverage10to90': inside},
    }
    with gzip.GzipFile(os.path.join(OUT, 'tft-reference.json.gz'), 'wb', mtime=0) as f:
        f.write(json.dumps(fixture, separators=(',', ':')).encode())


if __name__ == '__main__':
    main()
