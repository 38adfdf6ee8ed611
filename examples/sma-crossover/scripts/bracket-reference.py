#!/usr/bin/env python3
"""Independent reference for the bracket variant of the SMA crossover on GOOG: plain Python, no rxtrade code.

Rules (the simulated venue's, as documented in docs/simulated-venue.md, with its defaults):
- SMA(10)/SMA(30) of closes (running sums in TA-Lib's order, as rxtrade's Sma), a cross detected against
  the last non-zero difference. On a cross, when flat and with nothing working: a bracket of 100 shares
  in the cross's direction: market entry, take-profit limit at close x (1 +/- 5%), stop-loss stop-market
  at close x (1 -/+ 3%), both rounded half-even to the cent.
- The entry fills at the next bar's open. The exits are sent when it fills and meet the bars after that.
- On each bar the path is open -> the nearer of high and low (a tie: high first) -> the other -> close.
  At the open: a take-profit the open reaches (at or beyond it) fills at the open; a stop the open reaches
  fills at the open (gap). Then each segment: a stop whose trigger the segment end reaches fills at the
  trigger; a take-profit fills at its price when the segment end is strictly beyond it. The first exit
  to fill cancels the other.
- Commission 0.2% of notional on every fill; equity = cash + position x last close.
Run: /usr/bin/python3 examples/sma-crossover/scripts/bracket-reference.py > examples/sma-crossover/fixtures/bracket-reference.json
"""
import csv
import json
import pathlib
from decimal import ROUND_HALF_EVEN, Decimal, getcontext

getcontext().prec = 34
ROOT = pathlib.Path(__file__).parent.parent
rows = list(csv.DictReader(open(ROOT / 'fixtures' / 'goog.csv')))
CENT = Decimal('0.01')
RATE = Decimal('0.002')
SIZE = 100
TP, SL = 0.05, 0.03


class Sma:
    def __init__(self, n):
        self.n, self.window, self.head, self.count, self.sum = n, [0.0] * n, 0, 0, 0.0

    def update(self, x):
        self.window[self.head] = x
        nxt = (self.head + 1) % self.n
        self.head = nxt
        self.count += 1
        if self.count < self.n:
            self.sum += x
            return None
        total = self.sum + x
        self.sum = total - self.window[nxt]
        return total / self.n


def tick(x):
    return Decimal(repr(x)).quantize(CENT, rounding=ROUND_HALF_EVEN)


def d(text):
    return Decimal(text)


fast, slow = Sma(10), Sma(30)
last_nonzero = None
cash = Decimal(100000)
position = 0
fills = []
pending_entry = None  # (side, tp, sl) to fill at the next open
exits = None  # dict: side, tp, sl, live_from (bar index)


def fill(i, side, price, kind):
    global cash, position
    notional = price * SIZE
    fee = notional * RATE
    cash += (-notional if side == 'BUY' else notional) - fee
    position += SIZE if side == 'BUY' else -SIZE
    fills.append({'date': rows[i]['Date'], 'kind': kind, 'side': side, 'price': str(price), 'fee': str(fee)})


for i, r in enumerate(rows):
    o, h, l, c = float(r['Open']), float(r['High']), float(r['Low']), float(r['Close'])
    # The venue first: the entry decided on the previous bar, then the exits that are live on this bar.
    if pending_entry is not None:
        side, tp, sl = pending_entry
        fill(i, side, tick(o), 'entry')
        exits = {'side': 'SELL' if side == 'BUY' else 'BUY', 'tp': tp, 'sl': sl, 'live_from': i + 1}
        pending_entry = None
    elif exits is not None and i >= exits['live_from']:
        long = exits['side'] == 'SELL'
        tp, sl = float(exits['tp']), float(exits['sl'])
        done = None
        if (o >= tp) if long else (o <= tp):
            done = ('take-profit', tick(o))
        elif (o <= sl) if long else (o >= sl):
            done = ('stop-loss', tick(o))
        else:
            high_first = h - o <= o - l
            path = [o, h, l, c] if high_first else [o, l, h, c]
            for a, b in zip(path, path[1:]):
                if a == b:
                    continue
                if (b <= sl) if long else (b >= sl):
                    done = ('stop-loss', exits['sl'])
                    break
                if (b > tp) if long else (b < tp):
                    done = ('take-profit', exits['tp'])
                    break
        if done is not None:
            fill(i, exits['side'], done[1], done[0])
            exits = None
    # Then the strategy sees the bar.
    f, s = fast.update(c), slow.update(c)
    signal = 0
    if f is not None and s is not None:
        diff = f - s
        previous = last_nonzero
        if diff != 0 or previous is None:
            last_nonzero = diff
        if previous is not None and previous < 0 < diff:
            signal = 1
        elif previous is not None and previous > 0 > diff:
            signal = -1
    if signal != 0 and position == 0 and exits is None and pending_entry is None:
        pending_entry = ('BUY' if signal > 0 else 'SELL', tick(c * (1 + signal * TP)), tick(c * (1 - signal * SL)))

last_close = Decimal(repr(float(rows[-1]['Close'])))
equity = cash + position * last_close
print(json.dumps({'fills': fills, 'position': position, 'finalEquity': str(equity.normalize())}, indent=1))
