#!/usr/bin/python3
"""Reference values of the feature scalers of packages/ml/src/models/scalers, from scikit-learn.

Run from the repository root with Debian's Python (python3-sklearn 1.2):

    /usr/bin/python3 packages/ml/scripts/models-scalers.py

Data: 4 daily features of examples/sma-crossover/fixtures/goog.csv (log return, high-low range over the
close, log volume, the close itself), the first 700 days to fit and the next 100 to transform; and a
small matrix with a constant column, NaNs (ignored when fitting, kept when transforming) and an even row
count. For each scaler configuration it writes the fitted attributes, transform(test) and
inverse_transform(transform(test)) to
(and scipy's norm.ppf at a few probabilities) to packages/ml/src/models/__fixtures__/scalers-reference.json.
"""
import csv
import json
import os

import numpy as np
import sklearn
from scipy.stats import norm
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
DATA = {}
OUT = os.path.join(ROOT, 'packages', 'ml', 'src', 'models', '__fixtures__', 'scalers-reference.json')


def goog():
    with open(os.path.join(ROOT, 'examples', 'sma-crossover', 'fixtures', 'goog.csv')) as f:
        rows = list(csv.DictReader(f))
    close = np.array([float(r['Close']) for r in rows])
    high = np.array([float(r['High']) for r in rows])
    low = np.array([float(r['Low']) for r in rows])
    vol = np.array([float(r['Volume']) for r in rows])
    return np.stack([np.log(close[1:] / close[:-1]), (high[1:] - low[1:]) / close[1:], np.log(vol[1:]), close[1:]], axis=1)


def edge():
    rng = np.random.default_rng(11)
    x = rng.normal(5.0, 2.0, size=(40, 3))
    x[:, 1] = 3.25  # constant: scale 1 in every scaler
    x[[2, 7, 30], 0] = np.nan
    x[[5], 2] = np.nan
    test = rng.normal(5.0, 3.0, size=(10, 3))
    test[3, 0] = np.nan
    return x[:36], test


def listify(a):
    if a is None:
        return None
    return [None if (isinstance(v, float) and np.isnan(v)) else float(v) for v in np.asarray(a, dtype=np.float64).reshape(-1)]


def case(name, data_name, make, options, attrs):
    train, test = DATA[data_name]
    scaler = make().fit(train)
    t = scaler.transform(test)
    back = scaler.inverse_transform(t)
    out = {
        'name': name,
        'data': data_name,
        'options': options,
        'transformed': listify(t),
        'inverse': listify(back),
    }
    for a in attrs:
        v = getattr(scaler, a)
        out[a] = listify(v) if v is not None else None
    return out


def main():
    g = goog()
    DATA['goog'] = (g[:700], g[700:800])
    DATA['edge'] = edge()
    std = ['mean_', 'var_', 'scale_', 'n_samples_seen_']
    mm = ['data_min_', 'data_max_', 'data_range_', 'scale_', 'min_']
    rb = ['center_', 'scale_']
    cases = []
    for d in ('goog', 'edge'):
        cases += [
            case(f'standard {d}', d, lambda: StandardScaler(), {'type': 'standard'}, std),
            case(f'standard withMean false {d}', d, lambda: StandardScaler(with_mean=False), {'type': 'standard', 'withMean': False}, std),
            case(f'standard withStd false {d}', d, lambda: StandardScaler(with_std=False), {'type': 'standard', 'withStd': False}, std),
            case(f'minmax {d}', d, lambda: MinMaxScaler(), {'type': 'minmax'}, mm),
            case(f'minmax [-1, 1] clip {d}', d, lambda: MinMaxScaler(feature_range=(-1, 1), clip=True), {'type': 'minmax', 'featureRange': [-1, 1], 'clip': True}, mm),
            case(f'robust {d}', d, lambda: RobustScaler(), {'type': 'robust'}, rb),
            case(f'robust 10-90 unit variance {d}', d, lambda: RobustScaler(quantile_range=(10.0, 90.0), unit_variance=True),
                 {'type': 'robust', 'quantileRange': [10, 90], 'unitVariance': True}, rb),
            case(f'robust no centering {d}', d, lambda: RobustScaler(with_centering=False), {'type': 'robust', 'withCentering': False}, rb),
            case(f'robust no scaling {d}', d, lambda: RobustScaler(with_scaling=False), {'type': 'robust', 'withScaling': False}, rb),
        ]
    ref = {
        'provenance': 'packages/ml/scripts/models-scalers.py: scikit-learn ' + sklearn.__version__ + ' on features of examples/sma-crossover/fixtures/goog.csv and a seeded matrix with a constant column and NaNs',
        'data': {k: {'width': int(tr.shape[1]), 'train': listify(tr), 'test': listify(te)} for k, (tr, te) in DATA.items()},
        'cases': cases,
        # scipy's norm.ppf, the normal quantile that RobustScaler(unit_variance=True) divides by
        'normalQuantile': [[p, float(norm.ppf(p))] for p in (0.5, 0.75, 0.9, 0.1, 0.3, 0.975, 0.999, 0.001, 1e-10, 1 - 1e-10, 1e-300)],
    }
    with open(OUT, 'w') as f:
        json.dump(ref, f)
        f.write('\n')
    print('wrote', OUT, os.path.getsize(OUT), 'bytes')


if __name__ == '__main__':
    main()
