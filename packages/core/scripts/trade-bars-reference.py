#!/usr/bin/env python3
"""Reference bars from a trade tape, for packages/core/src/features/trade-bars.reference.test.ts.

Writes packages/core/src/features/__fixtures__/trade-bars/tape.csv (a seeded random tape: ts in epoch
ms, price with 2 decimals, size with 3 decimals; bursts of prints in one millisecond and gaps of
minutes without a trade) and expected.json (the bars of several specs).

An implementation independent of rxtrade's: time bars are pandas' resample (origin 'epoch', left-closed
bins labelled by their start); tick, volume and value bars first cut the tape into segments with exact
rational arithmetic (fractions.Fraction on the decimal strings: no rounding, no tolerance), splitting
trades into exact pieces where asked, then aggregate each segment with a pandas groupby.

Each bar is [ts, open, high, low, close, volume, value, trades, closeTs]. Run from the repository root:

    /usr/bin/python3 packages/core/scripts/trade-bars-reference.py
"""
import json
import os
import random
from fractions import Fraction

import pandas as pd

OUT = os.path.join(os.path.dirname(__file__), '..', 'src', 'features', '__fixtures__', 'trade-bars')
START = 1709251200000  # 2024-03-01T00:00:00Z


def make_tape(n=4000, seed=20240301):
    rnd = random.Random(seed)
    ts, cents, rows = START, 10000, []
    for _ in range(n):
        r = rnd.random()
        if r < 0.25:
            gap = 0  # another print in the same millisecond
        elif r < 0.253:
            gap = rnd.randint(120_000, 400_000)  # a quiet spell: empty minutes
        else:
            gap = int(rnd.expovariate(1 / 1500)) + 1
        ts += gap
        cents = max(100, cents + rnd.choice([-3, -2, -1, -1, 0, 0, 0, 1, 1, 2, 3]))
        size_lots = rnd.choice([rnd.randint(1, 50), rnd.randint(1, 2000), rnd.randint(1000, 9000)])
        rows.append((ts, f'{cents // 100}.{cents % 100:02d}', f'{size_lots // 1000}.{size_lots % 1000:03d}'))
    return rows


def as_row(ts, o, h, l, c, v, value, n, close_ts):
    return [int(ts), float(o), float(h), float(l), float(c), float(v), float(value), int(n), int(close_ts)]


def time_bars(df, timeframe_ms, offset_ms=0, empty='skip'):
    """pandas resample: bins [start, start + timeframe) from the epoch (plus offset), labelled by start."""
    d = df.set_index(pd.to_datetime(df['ts'], unit='ms'))
    r = d.resample(f'{timeframe_ms}ms', origin='epoch', offset=f'{offset_ms}ms', label='left', closed='left')
    agg = r.agg({'price': ['first', 'max', 'min', 'last'], 'size': 'sum', 'value': 'sum', 'ts': ['count', 'max']})
    agg.columns = ['open', 'high', 'low', 'close', 'volume', 'value', 'trades', 'close_ts']
    out, last_close = [], None
    for start, b in agg.iterrows():
        start_ms = int(start.value // 1_000_000)
        if b['trades'] == 0:
            if empty == 'flat':
                out.append(as_row(start_ms, last_close, last_close, last_close, last_close, 0, 0, 0, start_ms))
            continue
        out.append(as_row(start_ms, b['open'], b['high'], b['low'], b['close'], b['volume'], b['value'], b['trades'], b['close_ts']))
        last_close = b['close']
    return out


def segment(pieces, measure, threshold, close_at):
    """Group ids for pieces (ts, price, size): a segment ends at the first piece where its measure reaches
    the threshold; with close_at 'millisecond' the pieces after it with the same ts join it. Returns the
    ids and whether the last segment is complete."""
    ids, g, acc, full, close_ts = [], 0, Fraction(0), False, None
    for ts, price, size in pieces:
        if full and ts != close_ts:
            g, acc, full = g + 1, Fraction(0), False
        ids.append(g)
        if full:
            continue
        acc += measure(price, size)
        if acc >= threshold:
            if close_at == 'trade':
                g, acc = g + 1, Fraction(0)
            else:
                full, close_ts = True, ts
    complete = full or (len(ids) > 0 and ids[-1] != g)  # the last piece closed its bar
    return ids, complete


def split_pieces(tape, measure_unit, threshold):
    """Cut each trade into exact pieces so that the cumulative measure hits every multiple of the
    threshold exactly (volume: size; value: price x size)."""
    out, acc = [], Fraction(0)
    for ts, price, size in tape:
        rest = size
        while rest > 0:
            room = threshold - acc
            amount = rest if measure_unit == 'volume' else rest * price
            if amount <= room:
                out.append((ts, price, rest))
                acc += amount
                rest = Fraction(0)
            else:
                part = room if measure_unit == 'volume' else room / price
                out.append((ts, price, part))
                rest -= part
                acc += room
            if acc == threshold:
                acc = Fraction(0)
    return out


def info_bars(tape, kind, threshold, close_at='millisecond', split=False, partial='drop'):
    threshold = Fraction(threshold)
    pieces = split_pieces(tape, kind, threshold) if split else tape
    measure = {'tick': lambda p, s: 1, 'volume': lambda p, s: s, 'value': lambda p, s: p * s}[kind]
    ids, complete = segment(pieces, measure, threshold, 'trade' if split else close_at)
    df = pd.DataFrame({'g': ids, 'ts': [p[0] for p in pieces], 'price': [p[1] for p in pieces], 'size': [p[2] for p in pieces]})
    df['value'] = [p[1] * p[2] for p in pieces]
    out = []
    for _, b in df.groupby('g', sort=True):
        prices = b['price'].tolist()
        out.append(as_row(b['ts'].iloc[0], prices[0], max(prices), min(prices), prices[-1], sum(b['size'], Fraction(0)), sum(b['value'], Fraction(0)), len(b), b['ts'].iloc[-1]))
    if out and not complete and partial == 'drop':
        out.pop()
    return out


def main():
    tape = make_tape()
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'tape.csv'), 'w') as f:
        f.write('ts,price,size\n')
        for ts, p, s in tape:
            f.write(f'{ts},{p},{s}\n')
    exact = [(ts, Fraction(p), Fraction(s)) for ts, p, s in tape]
    df = pd.DataFrame({'ts': [t[0] for t in tape], 'price': [float(t[1]) for t in tape], 'size': [float(t[2]) for t in tape]})
    df['value'] = [float(p * s) for _, p, s in exact]
    expected = {
        'time 1m': {'spec': {'type': 'time', 'timeframe': 60_000}, 'bars': time_bars(df, 60_000)},
        'time 1m flat': {'spec': {'type': 'time', 'timeframe': 60_000, 'empty': 'flat'}, 'bars': time_bars(df, 60_000, empty='flat')},
        'time 5m offset 90s': {'spec': {'type': 'time', 'timeframe': 300_000, 'offset': 90_000}, 'bars': time_bars(df, 300_000, 90_000)},
        'tick 50': {'spec': {'type': 'tick', 'trades': 50}, 'bars': info_bars(exact, 'tick', 50)},
        'tick 50 closeAt trade': {'spec': {'type': 'tick', 'trades': 50, 'closeAt': 'trade', 'partial': 'emit'}, 'bars': info_bars(exact, 'tick', 50, 'trade', partial='emit')},
        'volume 150': {'spec': {'type': 'volume', 'volume': 150}, 'bars': info_bars(exact, 'volume', 150)},
        'volume 150 closeAt trade': {'spec': {'type': 'volume', 'volume': 150, 'closeAt': 'trade'}, 'bars': info_bars(exact, 'volume', 150, 'trade')},
        'volume 37.5 split': {'spec': {'type': 'volume', 'volume': 37.5, 'closeAt': 'trade', 'split': True, 'partial': 'emit'}, 'bars': info_bars(exact, 'volume', Fraction('37.5'), split=True, partial='emit')},
        'value 20000': {'spec': {'type': 'value', 'value': 20000}, 'bars': info_bars(exact, 'value', 20000)},
        'value 12500 split': {'spec': {'type': 'value', 'value': 12500, 'closeAt': 'trade', 'split': True}, 'bars': info_bars(exact, 'value', 12500, split=True)},
    }
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f, separators=(',', ':'))
        f.write('\n')
    for name, e in expected.items():
        print(f'{name}: {len(e["bars"])} bars')


if __name__ == '__main__':
    main()
