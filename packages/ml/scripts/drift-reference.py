#!/usr/bin/env python3
"""Reference figures for the model-lifecycle tests, computed independently with scipy and by hand.

- Two-sample Kolmogorov-Smirnov: scipy.stats.ks_2samp (its default method: exact for samples of at
  most 10,000 values) on synthetic samples and on GOOG's daily log returns (first 500 days against
  the last 500); for two large samples also scipy.stats.kstwobign.sf(sqrt(n1 n2 / (n1 + n2)) D), the
  limiting distribution the TypeScript code uses above 10,000 values, and ks_2samp's own 'asymp'
  p-value beside it for comparison.
- Population stability index, computed by hand with Python loops: ten bins whose inner edges are the
  deciles of the expected sample (numpy's default, linear interpolation between order statistics),
  a value v in bin i when edge[i-1] < v <= edge[i], proportions floored at 1e-4, and
  PSI = sum((actual - expected) * ln(actual / expected)).
- Mahalanobis distances: numpy.cov (ddof 1) of a reference sample, its inverse, and
  scipy.spatial.distance.mahalanobis for probe points.
- The training-data hash: sha256 (hashlib) over the canonical encoding that hashTrainingData
  documents: b"rxtrade-features-v1\\n", uint32 LE name count, per name uint32 LE byte length and UTF-8,
  uint32 LE row count, then per row the ts and the values as float64 LE (-0 written as 0, every NaN as
  0x7ff8000000000000).

The large KS samples are not stored: both sides generate them from exact integer formulas.

Run from the repository root:
    /usr/bin/python3 packages/ml/scripts/drift-reference.py \
        > packages/ml/src/lifecycle/__fixtures__/drift-reference.json
Generated with Python 3.11, numpy 1.24 and scipy 1.10 (Debian bookworm).
"""
import csv
import hashlib
import json
import math
import struct

import numpy as np
from scipy import stats
from scipy.spatial import distance

rng = np.random.RandomState(20240611)


def goog_log_returns():
    with open('examples/sma-crossover/fixtures/goog.csv', newline='') as f:
        closes = [float(row['Close']) for row in csv.DictReader(f)]
    return [math.log(closes[i] / closes[i - 1]) for i in range(1, len(closes))]


def large_a(n):
    return [((i * 7919) % 10007) / 10007 for i in range(n)]


def large_b(n):
    return [0.05 + 0.9 * (((j * 104729) % 10009) / 10009) for j in range(n)]


def ks_case(name, a, b, store=True):
    r = stats.ks_2samp(np.asarray(a), np.asarray(b))
    case = {'name': name, 'n1': len(a), 'n2': len(b), 'statistic': float(r.statistic), 'pValue': float(r.pvalue)}
    if store:
        case['a'] = [float(x) for x in a]
        case['b'] = [float(x) for x in b]
    return case


returns = goog_log_returns()
ks = [
    ks_case('normal 200 vs shifted, wider 150', rng.normal(0, 1, 200).round(6), rng.normal(0.3, 1.2, 150).round(6)),
    ks_case('equal sizes 100 and 100', rng.normal(0, 1, 100).round(6), rng.normal(0.2, 1, 100).round(6)),
    ks_case('ties: rounded to one decimal, 80 vs 120', rng.normal(0, 1, 80).round(1), rng.normal(0, 1, 120).round(1)),
    ks_case('small: 7 vs 5', rng.normal(0, 1, 7).round(6), rng.normal(1, 1, 5).round(6)),
    ks_case('far apart: 300 vs 300 shifted by 1', rng.normal(0, 1, 300).round(6), rng.normal(1, 1, 300).round(6)),
    ks_case('same distribution: 250 vs 400', rng.normal(0, 1, 250).round(6), rng.normal(0, 1, 400).round(6)),
    ks_case('GOOG daily log returns, first 500 vs last 500', returns[:500], returns[-500:]),
]

la, lb = large_a(12000), large_b(700)
large = ks_case('large: 12000 vs 700 generated', la, lb, store=False)
m, n = sorted([12000.0, 700.0], reverse=True)
en = m * n / (m + n)
large['limitingPValue'] = float(stats.kstwobign.sf(math.sqrt(en) * large['statistic']))
large['scipyAsympPValue'] = float(stats.ks_2samp(la, lb, method='asymp').pvalue)

limiting = [{'z': z, 'sf': float(stats.kstwobign.sf(z))} for z in [0.05, 0.2, 0.5, 0.8, 1.0, 1.2, 1.36, 1.63, 2.0, 3.0, 5.0]]


def psi_by_hand(expected, actual, bins=10, floor=1e-4):
    edges = [float(q) for q in np.quantile(np.asarray(expected), [k / bins for k in range(1, bins)])]

    def proportions(xs):
        counts = [0] * bins
        for v in xs:
            i = 0
            while i < len(edges) and v > edges[i]:
                i += 1
            counts[i] += 1
        return [max(c / len(xs), floor) for c in counts]

    e, a = proportions(expected), proportions(actual)
    total = 0.0
    for ei, ai in zip(e, a):
        total += (ai - ei) * math.log(ai / ei)
    return {'edges': edges, 'expected': e, 'actual': a, 'psi': total}


psi = []
for name, exp, act in [
    ('normal 500 vs shifted 300', rng.normal(0, 1, 500).round(6), rng.normal(0.5, 1, 300).round(6)),
    ('same distribution 400 vs 400', rng.normal(0, 1, 400).round(6), rng.normal(0, 1, 400).round(6)),
    ('actual outside the expected range (empty bins floored)', rng.uniform(0, 1, 200).round(6), rng.uniform(2, 3, 100).round(6)),
    ('GOOG daily log returns, first 500 vs last 500', returns[:500], returns[-500:]),
]:
    exp_l, act_l = [float(x) for x in exp], [float(x) for x in act]
    case = psi_by_hand(exp_l, act_l)
    case.update({'name': name, 'expectedSample': exp_l, 'actualSample': act_l})
    psi.append(case)

ref = rng.multivariate_normal([0.0, 1.0, -2.0], [[1.0, 0.6, 0.2], [0.6, 2.0, -0.4], [0.2, -0.4, 0.5]], 300).round(6)
cov = np.cov(ref.T)
vi = np.linalg.inv(cov)
probes = [[0.0, 1.0, -2.0], [1.5, -1.0, -2.5], [3.0, 4.0, 0.0], [-0.5, 2.5, -1.0]]
mahalanobis = {
    'reference': ref.tolist(),
    'mean': ref.mean(axis=0).tolist(),
    'covariance': cov.tolist(),
    'probes': probes,
    'distances': [float(distance.mahalanobis(p, ref.mean(axis=0), vi)) for p in probes],
}


def canonical(names, rows):
    out = bytearray(b'rxtrade-features-v1\n')
    out += struct.pack('<I', len(names))
    for name in names:
        raw = name.encode('utf-8')
        out += struct.pack('<I', len(raw)) + raw
    out += struct.pack('<I', len(rows))
    for ts, values in rows:
        for v in [ts, *values]:
            if v != v:
                out += bytes.fromhex('000000000000f87f')
            else:
                out += struct.pack('<d', 0.0 if v == 0 else v)
    return bytes(out)


hash_rows = [(1_700_000_000_000 + 86_400_000 * i, [math.sin(i) / 7, -0.0 if i == 2 else i * 0.125, float('nan') if i == 3 else 1e-300 * i]) for i in range(6)]
hash_names = ['ret1', 'z20', 'vol\u00e9']
data_hash = {
    'names': hash_names,
    'rows': [{'ts': ts, 'values': ['NaN' if v != v else ('-0' if v == 0 and math.copysign(1, v) < 0 else v) for v in vals]} for ts, vals in hash_rows],
    'sha256': hashlib.sha256(canonical(hash_names, hash_rows)).hexdigest(),
}

print(json.dumps({'ks': ks, 'ksLarge': large, 'kolmogorovLimit': limiting, 'psi': psi, 'mahalanobis': mahalanobis, 'dataHash': data_hash}, indent=1))
