"""Reference findings of the price-jump and volume-spike checks over the GOOG daily bars, computed
independently of rxtrade: Python's standard library only (csv, math, statistics.median), the median and
MAD recomputed from scratch over each trailing window.

    python3 packages/core/src/data/quality/__fixtures__/goog-quality-reference.py > packages/core/src/data/quality/__fixtures__/goog-quality-reference.json

Definitions (as in data-quality-scanner.ts): r_t = ln(close_t / close_{t-1}); a return is judged once
the previous `window` returns are known, against their median m and sigma = 1.4826 * median(|r - m|);
it is a jump when sigma > 0 and |r_t - m| / sigma > k. Volume spikes: the same on ln(volume) over the
previous `window` non-zero volumes, upward only: (x_t - m) / sigma > k.
"""
import csv
import json
import math
import os
from statistics import median

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = os.path.join(HERE, '..', '..', '..', '..', '..', '..', 'examples', 'sma-crossover', 'fixtures', 'goog.csv')
K = 5
WINDOW = 50

with open(CSV, newline='') as f:
    rows = list(csv.DictReader(f))
dates = [r['Date'] for r in rows]
closes = [float(r['Close']) for r in rows]
volumes = [float(r['Volume']) for r in rows]


def robust(window):
    m = median(window)
    return m, 1.4826 * median([abs(x - m) for x in window])


jumps = []
returns = []
for i in range(1, len(closes)):
    r = math.log(closes[i] / closes[i - 1])
    if len(returns) >= WINDOW:
        m, sigma = robust(returns[-WINDOW:])
        if sigma > 0 and abs(r - m) / sigma > K:
            jumps.append({'date': dates[i], 'previousClose': closes[i - 1], 'close': closes[i], 'logReturn': r, 'median': m, 'sigma': sigma, 'deviations': abs(r - m) / sigma})
    returns.append(r)

spikes = []
logs = []
for i, v in enumerate(volumes):
    if v <= 0:
        continue
    x = math.log(v)
    if len(logs) >= WINDOW:
        m, sigma = robust(logs[-WINDOW:])
        if sigma > 0 and (x - m) / sigma > K:
            spikes.append({'date': dates[i], 'volume': v, 'median': m, 'sigma': sigma, 'deviations': (x - m) / sigma})
    logs.append(x)

print(json.dumps({'k': K, 'window': WINDOW, 'bars': len(rows), 'jumps': jumps, 'volumeSpikes': spikes}, indent=1))
