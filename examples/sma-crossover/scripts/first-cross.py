#!/usr/bin/env python3
"""Independent check of the golden test's first signal: plain Python, no rxtrade code.

Prints the first SMA(10)/SMA(30) cross on fixtures/goog.csv (detected against the last non-zero
difference, as backtrader's CrossOver does) and the next bar's open, where the order fills.
Run: /usr/bin/python3 examples/sma-crossover/scripts/first-cross.py
Output: "down 2004-11-26 -> fill 2004-11-29 at 180.36": the first fill SELLS 100 shares.
"""
import csv
import pathlib

rows = list(csv.DictReader(open(pathlib.Path(__file__).parent.parent / 'fixtures' / 'goog.csv')))
closes = [float(r['Close']) for r in rows]


def sma(i, n):
    return sum(closes[i - n + 1:i + 1]) / n if i >= n - 1 else None


previous = None
for i in range(len(closes)):
    fast, slow = sma(i, 10), sma(i, 30)
    if fast is None or slow is None:
        continue
    diff = fast - slow
    if previous is not None and (previous < 0 < diff or previous > 0 > diff):
        print(f"{'up' if diff > 0 else 'down'} {rows[i]['Date']} -> fill {rows[i + 1]['Date']} at {rows[i + 1]['Open']}")
        break
    if diff != 0 or previous is None:
        previous = diff
