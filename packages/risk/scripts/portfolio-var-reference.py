#!/usr/bin/env python3
"""Reference figures for portfolioVar / covarianceMatrix tests, computed independently with numpy and scipy.

Input: src/__fixtures__/edhec.csv (EDHEC monthly returns, 13 columns, from PerformanceAnalytics 2.0.8).
Output: src/__fixtures__/portfolio-var-reference.json

Sample covariance as R's cov() (numpy ddof=1); Gaussian portfolio VaR = w'mu + z sqrt(w'Sw),
ES = w'mu - sqrt(w'Sw) phi(z) / (1 - p), component VaR = w_i mu_i + z w_i (Sw)_i / sqrt(w'Sw),
z = scipy.stats.norm.ppf(1 - p).

Run from packages/risk:  python3 scripts/portfolio-var-reference.py
(numpy 2.4.6, scipy 1.17.1 were used for the committed fixture.)
"""
import csv
import json
import os

import numpy as np
import scipy
from scipy.stats import norm

here = os.path.dirname(os.path.abspath(__file__))
fixtures = os.path.join(here, '..', 'src', '__fixtures__')
with open(os.path.join(fixtures, 'edhec.csv')) as f:
    lines = [l for l in f if not l.startswith('#')]
rows = list(csv.reader(lines))
header, data = rows[0], rows[1:]
R = np.array([[float(v) for v in r[1:]] for r in data])
cov = np.cov(R, rowvar=False, ddof=1)
mu = R.mean(axis=0)
k = R.shape[1]
cases = []
weight_sets = {
    'equal': np.full(k, 1.0 / k),
    'long-short': np.array([0.3, -0.2, 0.15, 0.1, 0.25, -0.1, 0.2, 0.05, 0.1, -0.05, 0.1, 0.05, 0.05]),
    'money': np.array([250000.0, 100000.0, -50000.0, 75000.0, 0.0, 125000.0, 60000.0, -30000.0, 90000.0, 40000.0, 10000.0, 20000.0, 5000.0]),
}
for name, w in weight_sets.items():
    for p in (0.95, 0.99):
        for with_mean in (True, False):
            m = mu if with_mean else np.zeros(k)
            z = norm.ppf(1 - p)
            sd = float(np.sqrt(w @ cov @ w))
            var = float(w @ m + z * sd)
            es = float(w @ m - sd * norm.pdf(z) / (1 - p))
            comp = (w * m + z * w * (cov @ w) / sd).tolist()
            cases.append({'weights': name, 'w': w.tolist(), 'p': p, 'withMean': with_mean, 'sd': sd, 'var': var, 'es': es, 'components': comp})
out = {
    'source': 'scripts/portfolio-var-reference.py, numpy %s, scipy %s' % (np.__version__, scipy.__version__),
    'columns': header[1:],
    'rows': int(R.shape[0]),
    'mean': mu.tolist(),
    'covariance': cov.tolist(),
    'cases': cases,
}
with open(os.path.join(fixtures, 'portfolio-var-reference.json'), 'w') as f:
    json.dump(out, f, indent=1)
print('wrote', len(cases), 'cases')
