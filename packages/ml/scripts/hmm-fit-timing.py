#!/usr/bin/python3
"""Times statsmodels' MarkovRegression fit for packages/ml/bench/hmm-fit.bench.ts, in the same run.

Reads JSON from stdin: { "returns": [...], "start": { "transitionMatrix", "means", "variances" },
"reps": n, "emIter": m } and prints JSON: the seconds of each fit(start_params, em_iter=m,
search_reps=0) with statsmodels' default BFGS settings and with gtol=1e-12 (the tight optimum that
hmm-reference.py compares with), and each result's log likelihood and estimate.
"""
import json
import sys
import time
import warnings

import numpy as np
import statsmodels.api as sm


def main():
    req = json.load(sys.stdin)
    r = np.asarray(req['returns'], float)
    s = req['start']
    k = len(s['means'])
    mod = sm.tsa.MarkovRegression(r, k_regimes=k, trend='c', switching_variance=True)
    vals = {}
    for i in range(k):
        for j in range(k):
            vals[f'p[{i}->{j}]'] = s['transitionMatrix'][i][j]
        vals[f'const[{i}]'] = s['means'][i]
        vals[f'sigma2[{i}]'] = s['variances'][i]
    sp = np.array([vals[n] for n in mod.param_names])
    out = {}
    for name, kwargs in (('default', {}), ('tight', {'gtol': 1e-12, 'maxiter': 5000})):
        seconds = []
        for _ in range(req['reps']):
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                t0 = time.perf_counter()
                res = mod.fit(start_params=sp, em_iter=req['emIter'], search_reps=0, disp=False, **kwargs)
                seconds.append(time.perf_counter() - t0)
        out[name] = {'seconds': seconds, 'llf': float(res.llf), 'params': dict(zip(mod.param_names, map(float, res.params)))}
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
