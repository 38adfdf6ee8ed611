#!/usr/bin/env python3
"""Reference figures for the deflated Sharpe ratio tests, computed independently with scipy.

Bailey and Lopez de Prado (2014), "The Deflated Sharpe Ratio", eq. 2 (expected maximum Sharpe ratio
of N trials) and the probabilistic Sharpe ratio, with scipy.stats.norm for the normal CDF and quantile.
Also the per-period Sharpe ratio, skewness and kurtosis (population moments, Pearson's kurtosis) of
GOOG's daily close-to-close returns, with numpy and scipy.stats.

Run from the repository root:
    python3 packages/backtest/scripts/deflated-sharpe-reference.py \
        > packages/backtest/src/overfitting/__fixtures__/deflated-sharpe.json
Generated with Python 3.11, numpy 2.4 and scipy 1.17.
"""
import csv
import json
import math
import sys

import numpy as np
from scipy import stats
from scipy.stats import norm

EULER_GAMMA = 0.5772156649015329  # np.euler_gamma


def deflated(sharpe, trials, variance, observations, skewness, kurtosis):
    if trials == 1:
        sr0 = 0.0
    else:
        sr0 = math.sqrt(variance) * ((1 - EULER_GAMMA) * norm.ppf(1 - 1 / trials) + EULER_GAMMA * norm.ppf(1 - 1 / (trials * math.e)))
    z = (sharpe - sr0) * math.sqrt(observations - 1) / math.sqrt(1 - skewness * sharpe + (kurtosis - 1) / 4 * sharpe**2)
    return {"deflatedSharpe": float(norm.cdf(z)), "expectedMaxSharpe": float(sr0), "z": float(z)}


cases = [
    # Bailey and Lopez de Prado's worked example (their section 5): DSR 0.9004.
    dict(sharpe=2.5 / math.sqrt(250), trials=100, sharpeVariance=0.5 / 250, observations=1250, skewness=-3.0, kurtosis=10.0),
    dict(sharpe=0.05, trials=1, sharpeVariance=0.0, observations=500, skewness=0.0, kurtosis=3.0),
    dict(sharpe=0.08, trials=10, sharpeVariance=0.0004, observations=750, skewness=-0.5, kurtosis=6.0),
    dict(sharpe=0.02, trials=1000, sharpeVariance=0.001, observations=2520, skewness=0.2, kurtosis=4.5),
    dict(sharpe=0.15, trials=200, sharpeVariance=0.0025, observations=300, skewness=-1.2, kurtosis=12.0),
    dict(sharpe=-0.03, trials=50, sharpeVariance=0.0001, observations=1000, skewness=0.0, kurtosis=3.0),
]
for c in cases:
    c["expected"] = deflated(c["sharpe"], c["trials"], c["sharpeVariance"], c["observations"], c["skewness"], c["kurtosis"])

with open("examples/sma-crossover/fixtures/goog.csv") as f:
    closes = np.array([float(row["Close"]) for row in csv.DictReader(f)])
r = closes[1:] / closes[:-1] - 1
goog = {
    "periods": int(len(r)),
    "sharpePerPeriod": float(r.mean() / r.std(ddof=1)),
    "skewness": float(stats.skew(r, bias=True)),
    "kurtosis": float(stats.kurtosis(r, fisher=False, bias=True)),
}

json.dump({"generator": "packages/backtest/scripts/deflated-sharpe-reference.py", "scipy": __import__("scipy").__version__, "cases": cases, "googReturns": goog}, sys.stdout, indent=2)
sys.stdout.write("\n")
