"""Independent reference values for the non-QP optimizers and estimators of @rxtrade/portfolio.

Run from packages/portfolio with Debian's Python (python3-numpy, python3-scipy, python3-sklearn,
python3-cvxopt):
    /usr/bin/python3 scripts/optimizers-python-reference.py
Writes src/__fixtures__/optimizers-python-reference.json. Tested with numpy 1.24.2, scipy 1.10.1,
scikit-learn 1.2.1, cvxopt 1.3.0 (Debian bookworm).

What each reference is, and why it is independent of the TypeScript code:
- Ledoit-Wolf: scikit-learn's LedoitWolf estimator.
- EWMA covariance: numpy.cov with aweights (centred) and a plain weighted outer-product sum (zero mean).
- Risk parity / risk budgeting: scipy.optimize.root (MINPACK hybrd) on the budget equations
  x_i (Sigma x)_i = b_i, written as Sigma x - b / x = 0, instead of our Newton iteration on Spinu's
  objective; the result is checked to meet the budgets, and to agree with cvxopt's interior-point
  cp solver on Spinu's objective to 1e-8, before it is written.
- Minimum variance: cvxopt's qp is run on the R quadprog fixture's first case as a third opinion.
- HRP: scipy.cluster.hierarchy.linkage(method='single') and the recursive bisection written out
  below, following the code published with Lopez de Prado (2016) line by line (pandas-free).
- Black-Litterman: the posterior in its other algebraic form, with explicit inverses,
  mu = [(tau S)^-1 + P' O^-1 P]^-1 [(tau S)^-1 pi + P' O^-1 Q], Sigma_BL = S + [(tau S)^-1 + P' O^-1 P]^-1.
"""
import csv
import json

import numpy as np
import scipy
import scipy.cluster.hierarchy as sch
import sklearn
from scipy.optimize import root
from scipy.spatial.distance import squareform
from sklearn.covariance import LedoitWolf

with open("src/__fixtures__/edhec.csv") as f:
    rows = list(csv.reader(f))[1:]
R = np.array([[float(v) for v in r[1:]] for r in rows])  # 293 x 13
S = np.cov(R, rowvar=False)  # n - 1, as R's cov
out = {
    "generatedBy": "scripts/optimizers-python-reference.py",
    "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__},
}

# --- Ledoit-Wolf --------------------------------------------------------------------------------
lw = LedoitWolf().fit(R)
out["ledoitWolf"] = {"covariance": lw.covariance_.tolist(), "shrinkage": float(lw.shrinkage_)}

# --- EWMA ---------------------------------------------------------------------------------------
lam = 0.97
T = R.shape[0]
w = lam ** np.arange(T - 1, -1, -1)
w = w / w.sum()
zero_mean = (R * w[:, None]).T @ R
centred = np.cov(R, rowvar=False, aweights=w, bias=True)
out["ewma"] = {"decay": lam, "zeroMean": zero_mean.tolist(), "centred": centred.tolist()}

# --- Risk parity / risk budgeting ---------------------------------------------------------------
def risk_budget(sigma, b):
    b = np.asarray(b, float) / np.sum(b)
    x0 = b / np.sqrt(np.diag(sigma))
    sol = root(lambda x: sigma @ x - b / x, x0, jac=lambda x: sigma + np.diag(b / x**2), method="hybr", options={"xtol": 1e-13})
    # MINPACK may stop with "xtol too small" once it cannot improve further; the budget check below
    # is what certifies the answer.
    assert sol.success or "too small" in sol.message, sol.message
    wts = sol.x / sol.x.sum()
    shares = wts * (sigma @ wts) / (wts @ sigma @ wts)
    assert np.max(np.abs(shares - b)) < 1e-12, shares - b
    assert np.all(wts > 0)
    return wts


def risk_budget_cvxopt(sigma, b):
    """Second, independent solver: cvxopt's convex program solver on Spinu's objective."""
    from cvxopt import matrix, solvers, spdiag, log

    b = np.asarray(b, float) / np.sum(b)
    n = len(b)
    Sg, bb = matrix(sigma), matrix(b)

    def F(x=None, z=None):
        if x is None:
            return 0, matrix(1.0, (n, 1))
        if min(x) <= 0:
            return None
        f = 0.5 * (x.T * Sg * x)[0] - sum(bb[i] * log(x[i]) for i in range(n))
        Df = (Sg * x - matrix([bb[i] / x[i] for i in range(n)])).T
        if z is None:
            return f, Df
        return f, Df, z[0] * (Sg + spdiag(matrix([bb[i] / x[i] ** 2 for i in range(n)])))

    solvers.options.update({"show_progress": False, "abstol": 1e-12, "reltol": 1e-12, "feastol": 1e-12})
    x = np.array(solvers.cp(F)["x"]).ravel()
    return x / x.sum()


budgets = np.arange(1, 14, dtype=float)
for bud in (np.ones(13), budgets):
    gap = np.max(np.abs(risk_budget(S, bud) - risk_budget_cvxopt(S, bud)))
    assert gap < 1e-8, gap
    print("risk budgeting: scipy root vs cvxopt cp, max weight gap", gap)
out["riskParity"] = {
    "equal": risk_budget(S, np.ones(13)).tolist(),
    "budgets": budgets.tolist(),
    "budgeted": risk_budget(S, budgets).tolist(),
}

# --- HRP (Lopez de Prado 2016, the paper's code without pandas) ---------------------------------
def get_ivp(cov):
    ivp = 1.0 / np.diag(cov)
    return ivp / ivp.sum()


def get_cluster_var(cov, c_items):
    cov_ = cov[np.ix_(c_items, c_items)]
    w_ = get_ivp(cov_).reshape(-1, 1)
    return float((w_.T @ cov_ @ w_)[0, 0])


def get_quasi_diag(link):
    link = link.astype(int)
    num_items = link[-1, 3]

    def expand(i):
        if i < num_items:
            return [i]
        return expand(link[i - num_items, 0]) + expand(link[i - num_items, 1])

    return expand(link[-1, 0]) + expand(link[-1, 1])


def get_rec_bipart(cov, sort_ix):
    wts = np.ones(len(sort_ix))
    c_items = [sort_ix]
    while len(c_items) > 0:
        c_items = [i[j:k] for i in c_items for j, k in ((0, len(i) // 2), (len(i) // 2, len(i))) if len(i) > 1]
        for i in range(0, len(c_items), 2):
            c_items0 = c_items[i]
            c_items1 = c_items[i + 1]
            c_var0 = get_cluster_var(cov, c_items0)
            c_var1 = get_cluster_var(cov, c_items1)
            alpha = 1 - c_var0 / (c_var0 + c_var1)
            wts[c_items0] *= alpha
            wts[c_items1] *= 1 - alpha
    return wts


def hrp(cov, cluster_on):
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    dist = np.sqrt(np.clip((1 - corr) / 2.0, 0, None))
    np.fill_diagonal(dist, 0)
    if cluster_on == "distance-of-distances":
        link = sch.linkage(dist, "single")  # the paper's call: rows of dist as observations, Euclidean
    else:
        link = sch.linkage(squareform(dist, checks=False), "single")
    order = get_quasi_diag(link)
    return {"weights": get_rec_bipart(cov, order).tolist(), "order": [int(i) for i in order], "linkage": link.tolist()}


rng = np.random.default_rng(20160401)
n_assets, n_factors = 40, 4
B = rng.normal(0, 1, (n_assets, n_factors)) * rng.uniform(0.2, 1.0, (1, n_factors))
F = np.diag(rng.uniform(0.01, 0.04, n_factors))
factor_cov = B @ F @ B.T + np.diag(rng.uniform(0.005, 0.03, n_assets))
out["hrp"] = {
    "edhec": hrp(S, "distance-of-distances"),
    "edhecCorrelationDistance": hrp(S, "correlation-distance"),
    "factorCovariance": factor_cov.tolist(),
    "factor": hrp(factor_cov, "distance-of-distances"),
    "factorCorrelationDistance": hrp(factor_cov, "correlation-distance"),
}

# --- Black-Litterman ----------------------------------------------------------------------------
S5 = np.cov(R[:, :5], rowvar=False)
w_mkt = np.array([0.3, 0.15, 0.25, 0.2, 0.1])
delta, tau = 2.5, 0.05
P = np.array([[0.0, 1.0, 0.0, 0.0, 0.0], [1.0, 0.0, -1.0, 0.0, 0.0]])
Q = np.array([0.006, 0.001])
pi = delta * S5 @ w_mkt


def bl(omega):
    inv_ts = np.linalg.inv(tau * S5)
    inv_o = np.linalg.inv(omega)
    M = np.linalg.inv(inv_ts + P.T @ inv_o @ P)
    mu = M @ (inv_ts @ pi + P.T @ inv_o @ Q)
    cov = S5 + M
    return {"posteriorReturns": mu.tolist(), "posteriorCovariance": cov.tolist(), "omega": omega.tolist(),
            "weights": np.linalg.solve(delta * cov, mu).tolist()}


conf = np.array([0.8, 0.4])
out["blackLitterman"] = {
    "marketWeights": w_mkt.tolist(), "riskAversion": delta, "tau": tau, "P": P.tolist(), "Q": Q.tolist(),
    "priorReturns": pi.tolist(),
    "heLitterman": bl(np.diag(np.diag(P @ (tau * S5) @ P.T))),
    "confidences": conf.tolist(),
    "idzorek": bl(np.diag(tau * (1 - conf) / conf * np.diag(P @ S5 @ P.T))),
}

# --- cvxopt cross-check of the R quadprog fixture (minimum variance, first five EDHEC indices) ----
from cvxopt import matrix as cm, solvers as cs

with open("src/__fixtures__/optimizers-quadprog-reference.json") as f:
    r_ref = json.load(f)["cases"]["minVarianceEdhec5"]["weights"]
S5 = np.cov(R[:, :5], rowvar=False)
G = np.vstack([-np.eye(5), np.eye(5)])
h = np.concatenate([np.zeros(5), np.full(5, 0.4)])
cs.options.update({"show_progress": False, "abstol": 1e-14, "reltol": 1e-14, "feastol": 1e-14})
qp = cs.qp(cm(S5), cm(np.zeros(5)), cm(G), cm(h), cm(np.ones((1, 5))), cm(1.0))
gap = np.max(np.abs(np.array(qp["x"]).ravel() - np.array(r_ref)))
assert gap < 1e-7, gap
print("min variance: cvxopt qp vs R quadprog, max weight gap", gap)

with open("src/__fixtures__/optimizers-python-reference.json", "w") as f:
    json.dump(out, f, indent=1)
print("shrinkage", lw.shrinkage_, "erc", out["riskParity"]["equal"][:3], "hrp order", out["hrp"]["edhec"]["order"])
