#!/usr/bin/python3
"""Trains the walk-forward XGBoost versions of the ml-ensemble example with XGBoost 1.7 (Debian python3-xgboost).

    npx -y pnpm@10 --filter @rxtrade/example-ml-ensemble export-features   # models/features.csv.gz
    /usr/bin/python3 examples/ml-ensemble/scripts/train-xgboost.py

Input: models/features.csv.gz, the feature rows the backtest computes (ts, ret1, ret5, ret20, vol20, z20,
range), written by src/export-features.ts with every number in its shortest round-trip form, so the
float64 values here are the backtest's, bit for bit.

The schedule is the example's (src/schedule.ts), written into the manifest, which the backtest checks:
the first training after MIN_TRAINING_ROWS rows, then every RETRAIN_EVERY_BARS rows, each on the last
ROLLING_BARS rows up to and including the retraining row. A version trained through row e never sees
row e + 1 or later: it is handed rows[max(0, e + 1 - ROLLING_BARS) .. e], and its samples are those rows
but the last, each labelled with the next row's ret1 (the next day's return), which lies inside the
window. The class is 0 (down) below -FLAT_BAND, 2 (up) above +FLAT_BAND, 1 (flat) between.

For each version the script writes models/xgb-<version>.json.gz (booster.save_model, minified and
gzipped) and, in models/manifest.json, its training window (first and last ts, row count), the sha256 of
its training rows in rxtrade's canonical encoding (hashTrainingData: computed here with hashlib, from the
rows it trained on) and xgboost's own predictions (float32) for the first rows it serves, which the
TypeScript tests compare with XgboostModel.
"""
import gzip
import hashlib
import json
import math
import os
import struct

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, '..', 'models')

MIN_TRAINING_ROWS = 1000
RETRAIN_EVERY_BARS = 250
ROLLING_BARS = 1000
FLAT_BAND = 0.003
CHECK_ROWS = 3
PARAMS = {
    'objective': 'multi:softprob',
    'num_class': 3,
    'eta': 0.1,
    'max_depth': 3,
    'min_child_weight': 5,
    'subsample': 1.0,
    'tree_method': 'hist',
    'seed': 7,
    'nthread': 1,
}
ROUNDS = 20


def hash_training_data(names, ts, values):
    """rxtrade's hashTrainingData: magic, names, row count, then ts and values as float64 LE (-0 as 0, one NaN)."""
    h = hashlib.sha256(b'rxtrade-features-v1\n')
    h.update(struct.pack('<I', len(names)))
    for name in names:
        raw = name.encode('utf-8')
        h.update(struct.pack('<I', len(raw)))
        h.update(raw)
    h.update(struct.pack('<I', len(ts)))
    for t, row in zip(ts, values):
        for v in (float(t), *row):
            if math.isnan(v):
                h.update(struct.pack('<Q', 0x7FF8000000000000))
            else:
                h.update(struct.pack('<d', 0.0 if v == 0 else v))
    return 'sha256:' + h.hexdigest()


def read_features():
    with gzip.open(os.path.join(MODELS, 'features.csv.gz'), 'rt') as f:
        header = f.readline().strip().split(',')
        assert header[0] == 'ts', header
        ts, values = [], []
        for line in f:
            cells = line.strip().split(',')
            ts.append(int(cells[0]))
            values.append([float(c) for c in cells[1:]])
    return header[1:], np.array(ts, dtype=np.int64), np.array(values, dtype=np.float64)


def classes(next_returns):
    return np.where(next_returns < -FLAT_BAND, 0, np.where(next_returns > FLAT_BAND, 2, 1)).astype(float)


def retraining_rows(n):
    """Indices e of the rows after which a version is trained (walkForwardModel's everyBars rule)."""
    e = MIN_TRAINING_ROWS - 1
    out = []
    while e + 1 < n:  # no training after the last row: nothing would use it
        out.append(e)
        e += RETRAIN_EVERY_BARS
    return out


def main():
    names, ts, x = read_features()
    ret1 = names.index('ret1')
    for f in os.listdir(MODELS):
        if f.startswith('xgb-v') and f.endswith('.json.gz'):
            os.remove(os.path.join(MODELS, f))
    versions = []
    for k, e in enumerate(retraining_rows(len(ts)), start=1):
        version = f'v{k:04d}'
        start = max(0, e + 1 - ROLLING_BARS)
        window = slice(start, e + 1)
        w_ts, w_x = ts[window], x[window]
        # Samples: every row of the window but the last; labels: the next row's ret1, inside the window.
        label = classes(w_x[1:, ret1])
        booster = xgb.train(PARAMS, xgb.DMatrix(w_x[:-1], label=label, feature_names=names), ROUNDS)
        path = os.path.join(MODELS, f'xgb-{version}.json')
        booster.save_model(path)
        with open(path) as f:
            model = json.load(f)
        os.remove(path)
        with gzip.GzipFile(path + '.gz', 'wb', mtime=0) as f:
            f.write(json.dumps(model, separators=(',', ':')).encode())
        served = slice(e + 1, min(e + 1 + CHECK_ROWS, len(ts)))
        probabilities = booster.predict(xgb.DMatrix(x[served], feature_names=names))
        versions.append({
            'version': version,
            'file': f'xgb-{version}.json.gz',
            'trainingWindow': {'start': int(w_ts[0]), 'end': int(w_ts[-1]), 'rows': int(len(w_ts))},
            'dataHash': hash_training_data(names, w_ts, w_x),
            'samples': int(len(label)),
            'classCounts': [int((label == c).sum()) for c in range(3)],
            # float32 probabilities, written as the float64 values of those float32s
            'checks': [{'ts': int(t), 'probabilities': [float(np.float32(p)) for p in row]} for t, row in zip(ts[served], probabilities)],
        })
    manifest = {
        'provenance': 'examples/ml-ensemble/scripts/train-xgboost.py with XGBoost ' + xgb.__version__
                      + ' on models/features.csv.gz (S&P 500 daily, vega-datasets 3.2.1 data/sp500-2000.csv)',
        'features': names,
        'schedule': {'minTrainingRows': MIN_TRAINING_ROWS, 'everyBars': RETRAIN_EVERY_BARS, 'rollingBars': ROLLING_BARS},
        'label': {'flatBand': FLAT_BAND, 'classes': ['down', 'flat', 'up']},
        'params': {**PARAMS, 'rounds': ROUNDS},
        'versions': versions,
    }
    with open(os.path.join(MODELS, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
