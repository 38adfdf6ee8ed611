#!/usr/bin/python3
"""Reference values for @rxtrade/ml's GaussianHmm (packages/ml/src/regime).

Run from the repository root with Debian's Python (python3-statsmodels 0.13, scipy, numpy):

    /usr/bin/python3 packages/ml/scripts/hmm-reference.py [path/to/sp500-2000.csv]

Data: S&P 500 daily closes 2000-01-03 .. 2020-04-14 from the npm package vega-datasets
(data/sp500-2000.csv, 5,105 rows): returns r_t = 100 ln(close_t / close_{t-1}) (5,104 of them) and the
day's range 100 ln(high_t / low_t) from the second row on, stored in the fixture exactly as used.

Two independent references:
1. statsmodels' MarkovRegression(r, k_regimes=k, trend='c', switching_variance=True): a Gaussian HMM of
   the returns whose first state is drawn from the stationary distribution of the transition matrix.
   - smooth(params): the log likelihood, filtered and smoothed probabilities for fixed parameters;
   - one _em_iteration: its mean and variance updates (its transition update approximates the EM step, see
     below, so only the means and variances are compared);
   - fit(start_params, em_iter=50, search_reps=0, gtol=1e-12): EM, then BFGS on the exact (complex-step)
     score until it vanishes (max |score| is stored): the maximum likelihood estimate with a stationary
     start. Two states only: from the three-state start the estimate lies on the boundary (p[2->0] = 0),
     where neither method converges to a point that can be compared closely.
2. A numpy/scipy forward-backward in log space (scipy.stats.multivariate_normal.logpdf, logsumexp), a log
   space Viterbi and a textbook Baum-Welch, written here: for the multivariate models (diagonal and full
   covariances) and for Baum-Welch with estimated start probabilities, which statsmodels does not have.

statsmodels' EM transition step divides the expected transitions i -> j over t = 0..T-1 (including the
pre-sample one from S_-1) by the expected time in i over t = 0..T-1 rather than over t = -1..T-2; its
fixed point is therefore not the maximum likelihood estimate, which is why the comparison of estimates
uses its fit() (EM followed by quasi-Newton steps).

Writes packages/ml/src/regime/__fixtures__/hmm-reference.json.gz.
"""
import glob
import gzip
import json
import os
import sys
import warnings

import numpy as np
import pandas as pd
import scipy
import statsmodels
import statsmodels.api as sm
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
OUT = os.path.join(ROOT, 'packages', 'ml', 'src', 'regime', '__fixtures__', 'hmm-reference.json.gz')
STRIDE = 8  # probabilities are stored for every 8th observation (and the last) to keep the fixture small


def find_csv():
    if len(sys.argv) > 1:
        return sys.argv[1]
    hits = sorted(glob.glob(os.path.join(ROOT, 'node_modules', '.pnpm', 'vega-datasets@*', 'node_modules', 'vega-datasets', 'data', 'sp500-2000.csv')))
    if not hits:
        sys.exit('sp500-2000.csv not found: install the workspace (vega-datasets) or pass its path')
    return hits[-1]


def load():
    df = pd.read_csv(find_csv())
    close = df['close'].to_numpy(float)
    r = 100 * np.diff(np.log(close))
    rng = 100 * np.log(df['high'].to_numpy(float) / df['low'].to_numpy(float))[1:]
    assert len(r) == 5104 and np.all(np.isfinite(rng)) and np.all(rng >= 0)
    return r, rng


def rows_at(m, n):
    idx = list(range(0, n, STRIDE))
    if idx[-1] != n - 1:
        idx.append(n - 1)
    return idx, [list(map(float, m[i])) for i in idx]


# ---- statsmodels -------------------------------------------------------------------------------------

def sm_model(r, k):
    return sm.tsa.MarkovRegression(r, k_regimes=k, trend='c', switching_variance=True)


def to_sm_params(mod, trans, means, variances):
    k = len(means)
    vals = {}
    for i in range(k):
        for j in range(k):
            vals[f'p[{i}->{j}]'] = trans[i][j]
        vals[f'const[{i}]'] = means[i]
        vals[f'sigma2[{i}]'] = variances[i]
    return np.array([vals[n] for n in mod.param_names])


def from_sm_params(mod, params, k):
    p = dict(zip(mod.param_names, params))
    trans = [[0.0] * k for _ in range(k)]
    for i in range(k):
        for j in range(k - 1):
            trans[i][j] = p[f'p[{i}->{j}]']
        trans[i][k - 1] = 1 - sum(trans[i][:k - 1])
    return {
        'transitionMatrix': trans,
        'means': [p[f'const[{i}]'] for i in range(k)],
        'variances': [p[f'sigma2[{i}]'] for i in range(k)],
    }


def stationary(trans):
    k = len(trans)
    a = np.vstack([np.eye(k) - np.array(trans).T, np.ones((1, k))])
    return np.linalg.pinv(a)[:, -1]  # as statsmodels' initial_probabilities


def sm_fixed(r, name, trans, means, variances):
    k = len(means)
    mod = sm_model(r, k)
    params = to_sm_params(mod, trans, means, variances)
    res = mod.smooth(params)
    start = mod.initial_probabilities(params)
    idx, filtered = rows_at(res.filtered_marginal_probabilities, len(r))
    _, smoothed = rows_at(res.smoothed_marginal_probabilities, len(r))
    # The same parameters through the numpy forward-backward and Viterbi below (a cross-check of both).
    cfg = {'startProbabilities': list(map(float, start)), 'transitionMatrix': trans, 'means': means, 'variances': variances}
    ll, filt, smooth = np_forward_backward(r[:, None], cfg, 'diag')
    assert abs(ll - res.llf) < 1e-9 * abs(ll), (ll, res.llf)
    assert np.max(np.abs(smooth - res.smoothed_marginal_probabilities)) < 1e-9  # Kim's smoother divides by predicted probabilities: ~4e-10 apart
    path, logp = np_viterbi(r[:, None], cfg, 'diag')
    return {
        'name': name,
        'model': cfg,
        'logLikelihood': float(res.llf),
        'rows': idx,
        'filtered': filtered,
        'smoothed': smoothed,
        'viterbi': {'path': list(map(int, path)), 'logProbability': float(logp)},
    }


def sm_em_step(r, trans, means, variances):
    k = len(means)
    mod = sm_model(r, k)
    params = to_sm_params(mod, trans, means, variances)
    _, p1 = mod._em_iteration(params)
    out = from_sm_params(mod, p1, k)
    return {
        'model': {'startProbabilities': list(map(float, mod.initial_probabilities(params))), 'transitionMatrix': trans, 'means': means, 'variances': variances},
        'means': out['means'],
        'variances': out['variances'],
    }


def sm_mle(r, trans, means, variances, em_iter=50):
    k = len(means)
    mod = sm_model(r, k)
    sp = to_sm_params(mod, trans, means, variances)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        res = mod.fit(start_params=sp, em_iter=em_iter, search_reps=0, maxiter=5000, gtol=1e-12, disp=False)
        params = res.params
    score = mod.score(params)
    final = mod.smooth(params)
    est = from_sm_params(mod, params, k)
    est['startProbabilities'] = list(map(float, mod.initial_probabilities(params)))
    return {
        'start': {'startProbabilities': list(map(float, mod.initial_probabilities(sp))), 'transitionMatrix': trans, 'means': means, 'variances': variances},
        'estimate': est,
        'logLikelihood': float(final.llf),
        'scoreMaxAbs': float(np.max(np.abs(score))),
        'emIterations': em_iter,
    }


# ---- numpy / scipy -----------------------------------------------------------------------------------

def covs_of(cfg, kind):
    if 'variances' in cfg:
        return [np.array([[v]]) for v in cfg['variances']]
    if kind == 'diag':
        return [np.diag(c) for c in cfg['covariances']]
    return [np.array(c) for c in cfg['covariances']]


def means_of(cfg):
    return [np.atleast_1d(np.array(m, float)) for m in cfg['means']]


def log_emissions(x, cfg, kind):
    return np.column_stack([multivariate_normal(mean=m, cov=c).logpdf(x).reshape(-1) for m, c in zip(means_of(cfg), covs_of(cfg, kind))])


def np_forward_backward(x, cfg, kind, want_xi=False):
    logb = log_emissions(x, cfg, kind)
    n, k = logb.shape
    logA = np.log(np.array(cfg['transitionMatrix']))
    la = np.empty((n, k))
    la[0] = np.log(np.array(cfg['startProbabilities'])) + logb[0]
    for t in range(1, n):
        la[t] = logsumexp(la[t - 1][:, None] + logA, axis=0) + logb[t]
    ll = logsumexp(la[-1])
    lb = np.zeros((n, k))
    for t in range(n - 2, -1, -1):
        lb[t] = logsumexp(logA + (logb[t + 1] + lb[t + 1])[None, :], axis=1)
    filt = np.exp(la - logsumexp(la, axis=1)[:, None])
    smooth = np.exp(la + lb - ll)
    if not want_xi:
        return ll, filt, smooth
    xi = np.zeros((k, k))
    for t in range(n - 1):
        xi += np.exp(la[t][:, None] + logA + (logb[t + 1] + lb[t + 1])[None, :] - ll)
    return ll, filt, smooth, xi


def np_viterbi(x, cfg, kind):
    logb = log_emissions(x, cfg, kind)
    n, k = logb.shape
    logA = np.log(np.array(cfg['transitionMatrix']))
    delta = np.log(np.array(cfg['startProbabilities'])) + logb[0]
    back = np.zeros((n, k), dtype=int)
    for t in range(1, n):
        cand = delta[:, None] + logA
        back[t] = np.argmax(cand, axis=0)
        delta = cand[back[t], np.arange(k)] + logb[t]
    path = np.zeros(n, dtype=int)
    path[-1] = int(np.argmax(delta))
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path, float(np.max(delta))


def np_m_step(x, cfg, kind, smooth, xi):
    w = smooth.sum(axis=0)
    means = (smooth.T @ x) / w[:, None]
    out = {'startProbabilities': list(map(float, smooth[0])), 'transitionMatrix': (xi / xi.sum(axis=1, keepdims=True)).tolist()}
    covs = []
    for i in range(len(w)):
        r = x - means[i]
        c = (smooth[:, i][:, None] * r).T @ r / w[i]
        covs.append(c)
    if 'variances' in cfg:
        out['means'] = [float(m[0]) for m in means]
        out['variances'] = [float(c[0, 0]) for c in covs]
    else:
        out['means'] = means.tolist()
        out['covarianceType'] = kind
        out['covariances'] = [list(map(float, np.diag(c))) for c in covs] if kind == 'diag' else [c.tolist() for c in covs]
    return out


def np_baum_welch(x, cfg, kind, iterations, tolerance=None):
    history = []
    for it in range(iterations + 1):
        ll, _, smooth, xi = np_forward_backward(x, cfg, kind, want_xi=True)
        history.append(float(ll))
        if tolerance is not None and it > 0 and abs(history[-1] - history[-2]) < tolerance:
            return cfg, history, it, True
        if it == iterations:
            return cfg, history, it, False
        cfg = np_m_step(x, cfg, kind, smooth, xi)


def multivariate_fixed(x, name, cfg, kind):
    ll, filt, smooth = np_forward_backward(x, cfg, kind)
    idx, filtered = rows_at(filt, len(x))
    _, smoothed = rows_at(smooth, len(x))
    path, logp = np_viterbi(x, cfg, kind)
    return {'name': name, 'model': cfg, 'logLikelihood': float(ll), 'rows': idx, 'filtered': filtered, 'smoothed': smoothed,
            'viterbi': {'path': list(map(int, path)), 'logProbability': float(logp)}}


def main():
    r, rng = load()
    x2 = np.column_stack([r, rng])

    k2 = dict(trans=[[0.985, 0.015], [0.03, 0.97]], means=[0.07, -0.08], variances=[0.45, 3.6])
    k3 = dict(trans=[[0.97, 0.025, 0.005], [0.02, 0.96, 0.02], [0.005, 0.03, 0.965]], means=[0.08, 0.0, -0.2], variances=[0.3, 1.2, 6.0])
    statsmodels_fixed = [sm_fixed(r, 'two states', **k2), sm_fixed(r, 'three states', **k3)]
    em_step = sm_em_step(r, **k2)
    mle = [sm_mle(r, **k2)]

    # Baum-Welch with estimated start probabilities, univariate, from the two-state start.
    uni_start = {'startProbabilities': [0.5, 0.5], **{'transitionMatrix': k2['trans'], 'means': k2['means'], 'variances': k2['variances']}}
    after, hist, _, _ = np_baum_welch(r[:, None], uni_start, 'diag', 25)
    conv, chist, cit, cok = np_baum_welch(r[:, None], uni_start, 'diag', 5000, tolerance=1e-10)
    assert cok

    pi2 = list(map(float, stationary(k2['trans'])))
    diag = {'startProbabilities': pi2, 'transitionMatrix': k2['trans'], 'means': [[0.07, 0.9], [-0.1, 2.2]], 'covariances': [[0.5, 0.2], [3.5, 1.5]], 'covarianceType': 'diag'}
    full = {'startProbabilities': pi2, 'transitionMatrix': k2['trans'], 'means': [[0.07, 0.9], [-0.1, 2.2]],
            'covariances': [[[0.5, -0.05], [-0.05, 0.2]], [[3.5, -0.6], [-0.6, 1.5]]], 'covarianceType': 'full'}
    multivariate = [multivariate_fixed(x2, 'diag', diag, 'diag'), multivariate_fixed(x2, 'full', full, 'full')]
    bw_multi = []
    for cfg, kind in ((diag, 'diag'), (full, 'full')):
        a, h, _, _ = np_baum_welch(x2, cfg, kind, 15)
        bw_multi.append({'name': kind, 'start': cfg, 'iterations': 15, 'model': a, 'history': h})

    fixture = {
        'provenance': ('S&P 500 daily 2000-01-03..2020-04-14, vega-datasets data/sp500-2000.csv; returns = 100 ln(close/prev close), '
                       'ranges = 100 ln(high/low) of the same day; made by packages/ml/scripts/hmm-reference.py with '
                       f'statsmodels {statsmodels.__version__}, numpy {np.__version__}, scipy {scipy.__version__}'),
        'returns': list(map(float, r)),
        'ranges': list(map(float, rng)),
        'statsmodelsFixed': statsmodels_fixed,
        'statsmodelsEmStep': em_step,
        'statsmodelsMle': mle,
        'baumWelch': {'start': uni_start, 'iterations': 25, 'model': after, 'history': hist,
                      'converged': {'model': conv, 'logLikelihood': chist[-1], 'iterations': cit, 'tolerance': 1e-10}},
        'multivariate': multivariate,
        'baumWelchMultivariate': bw_multi,
    }
    data = json.dumps(fixture, separators=(',', ':')).encode()
    with gzip.GzipFile(OUT, 'wb', mtime=0) as f:
        f.write(data)
    print(f'wrote {OUT}: {len(data)} bytes of JSON, {os.path.getsize(OUT)} gzipped')
    for m in mle:
        print('MLE', m['logLikelihood'], 'max |score|', m['scoreMaxAbs'], m['estimate'])
    print('Baum-Welch converged after', cit, 'iterations, log likelihood', chist[-1])


if __name__ == '__main__':
    main()
