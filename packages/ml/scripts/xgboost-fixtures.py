#!/usr/bin/python3
"""Makes the XGBoost fixtures of packages/ml/src/trees/__fixtures__ with XGBoost 1.7 (Debian python3-xgboost).

    /usr/bin/python3 packages/ml/scripts/xgboost-fixtures.py

1. Features of GOOG daily bars (examples/sma-crossover/fixtures/goog.csv), computed here with numpy and
   pandas from their textbook definitions, independently of rxtrade's indicators: the TypeScript tests
   compute the same columns with core's toFeatures (warm-up 'nan') and compare them with these.
     ret1   close / previous close - 1
     ret5   close / close 5 bars before - 1
     rsi14  Wilder's RSI(14), TA-Lib's seeding (simple means of the first 14 changes)
     vol20  sqrt(252) * sample sd of the last 20 log returns
     z20    (close - mean) / population sd over the last 20 closes
     range  (high - low) / close
     logvz  z-score (population sd, 20 bars) of ln(volume)
2. Three models on those features, trained on the first 700 bars (warm-up rows keep their NaNs, so the
   trees learn default directions): `binary` (binary:logistic, next close up), `regression`
   (reg:squarederror, next return in percent) and `multi` (multi:softprob, next return in terciles).
3. Small models of every other supported objective (and a DART booster), trained on features with 20%
   of the values missing, to check base_score, missing values and transforms.
Each model is saved as XGBoost JSON and converted to ONNX by xgboost-to-onnx.py; xgboost's own
predictions (float32) on the feature matrix and on a matrix with 20% missing values are written beside.
"""
import base64
import gzip
import importlib.util
import json
import os

import numpy as np
import pandas as pd
import xgboost as xgb

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
OUT = os.path.join(ROOT, 'packages', 'ml', 'src', 'trees', '__fixtures__')
spec = importlib.util.spec_from_file_location('xgboost_to_onnx', os.path.join(os.path.dirname(__file__), 'xgboost-to-onnx.py'))
to_onnx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(to_onnx)


def rsi(close, period):
    """TA-Lib TA_RSI: simple means of the first `period` changes, then Wilder smoothing."""
    out = np.full(len(close), np.nan)
    diff = np.diff(close)
    gain = np.where(diff > 0, diff, 0.0)
    loss = np.where(diff < 0, -diff, 0.0)
    avg_gain = gain[:period].sum() / period
    avg_loss = loss[:period].sum() / period
    out[period] = 0.0 if abs(avg_gain + avg_loss) < 1e-14 else 100 * avg_gain / (avg_gain + avg_loss)
    for i in range(period, len(diff)):
        avg_gain = (avg_gain * (period - 1) + gain[i]) / period
        avg_loss = (avg_loss * (period - 1) + loss[i]) / period
        out[i + 1] = 0.0 if abs(avg_gain + avg_loss) < 1e-14 else 100 * avg_gain / (avg_gain + avg_loss)
    return out


def zscore(x, n):
    s = pd.Series(x)
    sd = s.rolling(n).std(ddof=0)
    z = (s - s.rolling(n).mean()) / sd
    return np.where(sd == 0, 0.0, z)


def features(bars):
    close, high, low = bars['Close'].to_numpy(), bars['High'].to_numpy(), bars['Low'].to_numpy()
    c = pd.Series(close)
    logret = np.log(c / c.shift(1))
    cols = {
        'ret1': (c / c.shift(1) - 1).to_numpy(),
        'ret5': (c / c.shift(5) - 1).to_numpy(),
        'rsi14': rsi(close, 14),
        'vol20': (np.sqrt(252) * logret.rolling(20).std(ddof=1)).to_numpy(),
        'z20': zscore(close, 20),
        'range': (high - low) / close,
        'logvz': zscore(np.log(bars['Volume'].to_numpy().astype(float)), 20),
    }
    return list(cols), np.column_stack(list(cols.values()))


def with_missing(x, fraction, seed):
    rng = np.random.default_rng(seed)
    out = x.copy()
    out[rng.random(x.shape) < fraction] = np.nan
    return out


def f64(a):
    """A float64 matrix, row-major, as base64 of its little-endian bytes (NaN stays NaN)."""
    return base64.b64encode(np.ascontiguousarray(a, dtype='<f8').tobytes()).decode()


def f32(a):
    """XGBoost's float32 predictions, row-major, as base64 of their little-endian bytes."""
    return base64.b64encode(np.ascontiguousarray(a, dtype='<f4').tobytes()).decode()


def save(name, booster, x_real, x_missing, gzip_onnx=False):
    path = os.path.join(OUT, f'xgb-{name}.json')
    booster.save_model(path)
    with open(path) as f:
        model = json.load(f)
    # Minified and gzipped: the test reads the same bytes booster.save_model wrote.
    with gzip.GzipFile(path + '.gz', 'wb', mtime=0) as f:
        f.write(json.dumps(model, separators=(',', ':')).encode())
    os.remove(path)
    onnx_bytes = to_onnx.convert(model).SerializeToString()
    with (gzip.GzipFile(os.path.join(OUT, f'xgb-{name}.onnx.gz'), 'wb', mtime=0) if gzip_onnx else open(os.path.join(OUT, f'xgb-{name}.onnx'), 'wb')) as f:
        f.write(onnx_bytes)
    record = {
        'objective': model['learner']['objective']['name'],
        'missingPredictions': f32(booster.predict(xgb.DMatrix(x_missing, missing=np.nan))),
    }
    if x_real is not None:
        record['predictions'] = f32(booster.predict(xgb.DMatrix(x_real, missing=np.nan)))
        record['margins'] = f32(booster.predict(xgb.DMatrix(x_real, missing=np.nan), output_margin=True))
    return record


def main():
    bars = pd.read_csv(os.path.join(ROOT, 'examples', 'sma-crossover', 'fixtures', 'goog.csv'))
    names, x = features(bars)
    close = bars['Close'].to_numpy()
    nxt = np.append(close[1:] / close[:-1] - 1, np.nan)
    train = slice(0, 700)
    x_missing = with_missing(x[:300], 0.2, 1)
    x_train_missing = with_missing(x[train], 0.2, 2)
    y_ret = nxt[train]
    terciles = np.quantile(y_ret, [1 / 3, 2 / 3])
    models = {}
    common = {'eta': 0.1, 'max_depth': 4, 'tree_method': 'hist', 'seed': 7}

    def fit(params, label, rounds, data=None):
        return xgb.train({**common, **params}, xgb.DMatrix(x[train] if data is None else data, label=label, missing=np.nan), rounds)

    models['binary'] = save('binary', fit({'objective': 'binary:logistic', 'base_score': 0.53}, (y_ret > 0).astype(float), 60), x, x_missing)
    models['regression'] = save('regression', fit({'objective': 'reg:squarederror'}, 100 * y_ret, 60), x, x_missing)
    models['multi'] = save('multi', fit({'objective': 'multi:softprob', 'num_class': 3}, np.digitize(y_ret, terciles).astype(float), 30), x, x_missing)

    # Every other objective, trained with 20% of the values missing so that default directions matter.
    y_up = (y_ret > 0).astype(float)
    y_pos = np.abs(100 * y_ret) + 0.1
    small = {'eta': 0.3, 'max_depth': 3}
    cases = {
        'reg-logistic': ({'objective': 'reg:logistic', 'base_score': 0.4}, y_up),
        'logitraw': ({'objective': 'binary:logitraw', 'base_score': 0.2}, y_up),
        'hinge': ({'objective': 'binary:hinge'}, y_up),
        'poisson': ({'objective': 'count:poisson', 'base_score': 1.7}, np.round(y_pos)),
        'gamma': ({'objective': 'reg:gamma', 'base_score': 0.9}, y_pos),
        'tweedie': ({'objective': 'reg:tweedie', 'base_score': 1.1}, y_pos),
        'pseudohuber': ({'objective': 'reg:pseudohubererror', 'base_score': 0.05}, 100 * y_ret),
        'softmax': ({'objective': 'multi:softmax', 'num_class': 3}, np.digitize(y_ret, terciles).astype(float)),
        'dart': ({'objective': 'binary:logistic', 'booster': 'dart', 'rate_drop': 0.3, 'skip_drop': 0.0}, y_up),
        'exact': ({'objective': 'reg:squarederror', 'tree_method': 'exact', 'max_depth': 5}, 100 * y_ret),
    }
    for name, (params, label) in cases.items():
        models[name] = save(name, fit({**small, **params}, label, 12, x_train_missing), None, x_missing, gzip_onnx=True)

    fixture = {
        'provenance': 'packages/ml/scripts/xgboost-fixtures.py with XGBoost ' + xgb.__version__
                      + ' on examples/sma-crossover/fixtures/goog.csv',
        'names': names,
        'rows': len(x),
        'train': 700,
        'missingRows': len(x_missing),
        'features': f64(x),
        'missingFeatures': f64(x_missing),
        'models': models,
    }
    with gzip.GzipFile(os.path.join(OUT, 'xgb-reference.json.gz'), 'wb', mtime=0) as f:
        f.write(json.dumps(fixture, separators=(',', ':')).encode())


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    main()
