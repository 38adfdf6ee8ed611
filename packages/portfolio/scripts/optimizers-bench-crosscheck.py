"""Cross-checks the benchmark's 500-asset HRP (both distances) and risk-parity weights against the
independent implementations in optimizers-python-reference.py (scipy single linkage + the paper's
bisection; scipy root for the budget equations).

    npx tsx --conditions=@rxtrade/source packages/portfolio/bench/optimizers.bench.ts --dump /tmp/optimizers-bench.json
    cd packages/portfolio && /usr/bin/python3 scripts/optimizers-bench-crosscheck.py /tmp/optimizers-bench.json
"""
import json
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")  # scipy's ClusterWarning on the paper's linkage(dist) call
src = open("scripts/optimizers-python-reference.py").read()
ns = {}
exec(src[: src.index('with open("src/__fixtures__/edhec.csv")')], ns)  # imports
exec(src[src.index("def get_ivp") : src.index("rng = np.random")], ns)  # the HRP functions
exec(src[src.index("def risk_budget(sigma, b):") : src.index("def risk_budget_cvxopt")], ns)

d = json.load(open(sys.argv[1]))["hrp500"]
S = np.array(d["covariance"])
for cluster_on, key in (("distance-of-distances", "weights"), ("correlation-distance", "correlationDistanceWeights")):
    ref = ns["hrp"](S, cluster_on)
    gap = np.max(np.abs(np.array(ref["weights"]) - np.array(d[key])))
    print(f"HRP {cluster_on}: max |w_py - w_ts| = {gap:.3g}")
    assert gap < 1e-12
print("HRP order (paper's distance) identical:", ns["hrp"](S, "distance-of-distances")["order"] == d["order"])
gap = np.max(np.abs(ns["risk_budget"](S, np.ones(len(S))) - np.array(d["riskParityWeights"])))
print(f"risk parity: max |w_scipy - w_ts| = {gap:.3g}")
assert gap < 1e-10
