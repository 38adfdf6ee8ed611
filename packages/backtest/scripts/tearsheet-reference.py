#!/usr/bin/env python3
"""Reference figures for the report's tearsheet metrics, computed independently with numpy and pandas.

Inputs: the golden GOOG run's equity curve (src/metrics/__fixtures__/golden-equity.csv, written by
scripts/golden-equity.ts) and GOOG's daily closes (examples/sma-crossover/fixtures/goog.csv) as the
benchmark, with every row whose index is 3 modulo 7 removed so that the alignment has gaps to
forward-fill. Definitions (see docs/metrics.md):

- returns: simple returns of the equity curve (pct_change);
- benchmark alignment: the last close at or before each equity time (pandas.merge_asof, backward);
- beta, alpha: numpy least squares of r on [1, b]; alpha annualized x 252; correlation: numpy.corrcoef;
- annualized Sortino: mean(r) / sqrt(sum(min(r, 0)^2) / n) * sqrt(252) (quantstats sortino, annualize=True);
- benchmark figures: total, geometric annualized return, sample sd x sqrt(252), their ratio (Sharpe),
  the maximum drawdown of the cumulated returns;
- rolling (126 periods): Sharpe = ((prod(1 + r))^(252/126) - 1) / (std(r, ddof=1) sqrt(252)),
  volatility = std(r, ddof=1) sqrt(252), beta = cov(r, b) / var(b) (pandas rolling);
- drawdown episodes: runs of points below the running maximum; start = the peak before the run,
  trough = its minimum, recovery = the point after the run (none if the run reaches the end), days =
  (recovery or last time - start) / 1 day; the five deepest;
- historical VaR 95%: numpy.quantile(r, 0.05) (linear, R type 7); CVaR: mean of r strictly below it;
- best and worst period, and calendar month (month-end equity over the previous month-end, the first
  month from the first point);
- longest runs of r > 0 and of r < 0.

Run from the repository root:
    python3 packages/backtest/scripts/tearsheet-reference.py \\
        > packages/backtest/src/metrics/__fixtures__/tearsheet-reference.json
Generated with Debian's Python 3.11, numpy 1.24, pandas 1.5.
"""
import json
import math
import sys

import numpy as np
import pandas as pd

PPY = 252
WINDOW = 126
DAY = 86_400_000

eq = pd.read_csv("packages/backtest/src/metrics/__fixtures__/golden-equity.csv")
goog = pd.read_csv("examples/sma-crossover/fixtures/goog.csv")
goog["ts"] = (pd.to_datetime(goog["Date"], utc=True).astype("int64") // 1_000_000).astype("int64")
bench = goog[[i % 7 != 3 for i in range(len(goog))]][["ts", "Close"]].reset_index(drop=True)

ts = eq["ts"].astype("int64")
equity = eq["equity"].astype(float)
r = equity.pct_change().iloc[1:].reset_index(drop=True)
n = len(r)


def num(x):
    x = float(x)
    return None if math.isnan(x) else x


def sortino_annualized(x):
    x = np.asarray(x)
    downside = math.sqrt(np.sum(np.minimum(x, 0) ** 2) / len(x))
    return x.mean() / downside * math.sqrt(PPY)


def max_drawdown(levels):
    levels = np.asarray(levels, dtype=float)
    return float(np.max(1 - levels / np.maximum.accumulate(levels)))


# Benchmark: closes as of each equity time.
aligned = pd.merge_asof(pd.DataFrame({"ts": ts}), bench, on="ts", direction="backward")["Close"].to_numpy()
assert not np.isnan(aligned).any()
b = aligned[1:] / aligned[:-1] - 1
X = np.column_stack([np.ones(n), b])
(intercept, slope), *_ = np.linalg.lstsq(X, r.to_numpy(), rcond=None)
b_total = np.prod(1 + b) - 1
b_ann = (1 + b_total) ** (PPY / n) - 1
b_vol = np.std(b, ddof=1) * math.sqrt(PPY)
b_levels = np.concatenate([[1.0], np.cumprod(1 + b)])

# Rolling figures: index k is the window ending at return k (k >= WINDOW - 1).
rs = pd.Series(r.to_numpy())
bs = pd.Series(b)
roll_vol = rs.rolling(WINDOW).std(ddof=1) * math.sqrt(PPY)
roll_growth = rs.rolling(WINDOW).apply(lambda w: np.prod(1 + w) ** (PPY / WINDOW) - 1, raw=True)
roll_sharpe = roll_growth / roll_vol
roll_beta = rs.rolling(WINDOW).cov(bs) / bs.rolling(WINDOW).var()

# Drawdown episodes.
values = equity.to_numpy()
below = values < np.maximum.accumulate(values)
episodes = []
i = 1
while i < len(values):
    if below[i]:
        j = i
        while j + 1 < len(values) and below[j + 1]:
            j += 1
        peak = i - 1
        trough = i + int(np.argmin(values[i : j + 1]))
        recovered = j + 1 < len(values)
        end = j + 1 if recovered else len(values) - 1
        episodes.append(
            {
                "start": int(ts[peak]),
                "trough": int(ts[trough]),
                "recovery": int(ts[end]) if recovered else None,
                "depth": float(1 - values[trough] / values[peak]),
                "days": float((ts[end] - ts[peak]) / DAY),
                "periods": int(end - peak),
            }
        )
        i = j + 1
    else:
        i += 1
worst = sorted(episodes, key=lambda e: -e["depth"])[:5]

# VaR and CVaR, historical.
var95 = float(np.quantile(r, 0.05))
cvar95 = float(r[r < var95].mean())

# Best and worst period and month.
dates = pd.DatetimeIndex(pd.to_datetime(ts, unit="ms", utc=True))
month_end = pd.Series(values, index=dates).groupby([dates.year, dates.month]).last()
base = np.concatenate([[values[0]], month_end.to_numpy()[:-1]])
monthly = month_end.to_numpy() / base - 1
months = list(month_end.index)


def streak(sign):
    best, length, best_end = 0, 0, -1
    for k, x in enumerate(r):
        if np.sign(x) == sign:
            length += 1
            if length > best:
                best, best_end = length, k
        else:
            length = 0
    return {"periods": best, "start": int(ts[best_end - best + 2]), "end": int(ts[best_end + 1])}


out = {
    "periods": n,
    "sortinoRatioAnnualized": float(sortino_annualized(r)),
    "benchmark": {
        "droppedRows": "index % 7 == 3",
        "alpha": float(intercept * PPY),
        "alphaPerPeriod": float(intercept),
        "beta": float(slope),
        "correlation": float(np.corrcoef(r, b)[0, 1]),
        "totalReturn": float(b_total),
        "annualizedReturn": float(b_ann),
        "annualizedVolatility": float(b_vol),
        "sharpeRatio": float(b_ann / b_vol),
        "sortinoRatioAnnualized": float(sortino_annualized(b)),
        "maxDrawdown": max_drawdown(b_levels),
        "lastAlignedClose": float(aligned[-1]),
    },
    "rolling": {
        "window": WINDOW,
        "sharpe": [num(x) for x in roll_sharpe],
        "volatility": [num(x) for x in roll_vol],
        "beta": [num(x) for x in roll_beta],
    },
    "worstDrawdowns": worst,
    "valueAtRisk95": var95,
    "expectedShortfall95": cvar95,
    "bestPeriod": {"ts": int(ts[int(np.argmax(r)) + 1]), "value": float(r.max())},
    "worstPeriod": {"ts": int(ts[int(np.argmin(r)) + 1]), "value": float(r.min())},
    "bestMonth": {"year": int(months[int(np.argmax(monthly))][0]), "month": int(months[int(np.argmax(monthly))][1]), "value": float(monthly.max())},
    "worstMonth": {"year": int(months[int(np.argmin(monthly))][0]), "month": int(months[int(np.argmin(monthly))][1]), "value": float(monthly.min())},
    "longestWinStreak": streak(1),
    "longestLossStreak": streak(-1),
}
json.dump(out, sys.stdout, indent=1, allow_nan=False)
sys.stdout.write("\n")
