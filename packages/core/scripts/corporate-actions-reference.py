#!/usr/bin/env python3
"""Reference split and dividend adjustment, for packages/core/src/data/corporate-actions.reference.test.ts.

Reads the raw daily bars of examples/sma-crossover/fixtures/goog.csv (2004-08-19 to 2008-10-14) and a
corporate-actions table (packages/core/src/data/__fixtures__/corporate-actions/actions.csv: invented
splits and dividends on those dates, GOOG paid none then; one on a Saturday, one before the first bar, one
after the last, a split and a dividend on one day), and writes the back- and forward-adjusted bars to
adjusted.csv beside it.

An implementation independent of rxtrade's, the usual pandas recipe for CRSP / Yahoo adjusted prices:
the factor of an action is (1 / split) x (1 - dividend x split / previous close), placed on the first bar
on or after its ex-date (the previous close is the close of the bar before: close.shift(1)); the backward
multiplier of a bar is the product of the factors of the bars after it (a reversed cumprod shifted by
one), the forward one the inverse of the product of the factors up to it (a cumprod). Volumes use the
split ratios alone. Run from the repository root:

    /usr/bin/python3 packages/core/scripts/corporate-actions-reference.py
"""
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(__file__)
FIXTURES = os.path.join(HERE, '..', 'src', 'data', '__fixtures__', 'corporate-actions')
BARS = os.path.join(HERE, '..', '..', '..', 'examples', 'sma-crossover', 'fixtures', 'goog.csv')


def main():
    bars = pd.read_csv(BARS, parse_dates=['Date'])
    actions = pd.read_csv(os.path.join(FIXTURES, 'actions.csv'), parse_dates=['date'])
    actions = actions[actions['instrumentId'] == 'GOOG.NASDAQ']
    actions['split'] = actions['split'].fillna(1.0)
    actions['dividend'] = actions['dividend'].fillna(0.0)

    prev_close = bars['Close'].shift(1)
    price_f = pd.Series(1.0, index=bars.index)
    volume_f = pd.Series(1.0, index=bars.index)
    for _, a in actions.sort_values('date').iterrows():
        k = int(np.searchsorted(bars['Date'].values, np.datetime64(a['date']), side='left'))
        if k == 0 or k == len(bars):
            continue  # before the first bar or after the last: moves no bar against another
        price_f[k] *= (1.0 / a['split']) * (1.0 - a['dividend'] * a['split'] / prev_close[k])
        volume_f[k] *= a['split']

    # Backward: product of the factors strictly after each bar.
    back_p = price_f[::-1].cumprod()[::-1].shift(-1, fill_value=1.0)
    back_v = volume_f[::-1].cumprod()[::-1].shift(-1, fill_value=1.0)
    # Forward: inverse of the product of the factors up to and including each bar.
    fwd_p = 1.0 / price_f.cumprod()
    fwd_v = 1.0 / volume_f.cumprod()

    out = pd.DataFrame({'date': bars['Date'].dt.strftime('%Y-%m-%d')})
    for name, p, v in (('back', back_p, back_v), ('fwd', fwd_p, fwd_v)):
        for col in ('Open', 'High', 'Low', 'Close'):
            out[f'{name}_{col.lower()}'] = bars[col] * p
        out[f'{name}_volume'] = bars['Volume'] * v
    out.to_csv(os.path.join(FIXTURES, 'adjusted.csv'), index=False, float_format='%.17g')
    print(f'{len(out)} bars, {int((price_f != 1).sum())} bars with an action; back factor of the first bar {back_p.iloc[0]:.12g}')


if __name__ == '__main__':
    main()
