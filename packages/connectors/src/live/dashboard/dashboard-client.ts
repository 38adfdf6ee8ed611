/**
 * The dashboard page's script, inlined under the response's CSP nonce. It subscribes to `/events`
 * (Server-Sent Events; the browser reconnects by itself), redraws every panel from each `snapshot`
 * message, draws the equity curve as inline SVG, and drives the kill switch dialog. Every value from
 * the node goes into the page as text (`textContent`, SVG attributes), never as markup.
 *
 * Plain ES2017 in a string: the repository's type check has no DOM library, and the page must not load
 * anything from elsewhere. The equity curve is a hand-drawn SVG path rather than an ECharts chart (as the
 * backtest report draws): one line needs a few dozen lines of code, while inlining ECharts would add
 * 1.1 MB to every page load and a runtime dependency to this package.
 */
export const DASHBOARD_CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var MAX_EVENTS = 50;
  var $ = function (id) { return document.getElementById(id); };
  var killEnabled = document.body.getAttribute('data-kill-switch') === 'enabled';
  var state = { snapshot: null, snapshots: 0, events: [], chart: null, connected: false };
  window.rxtradeDashboard = state;

  var NODE_TONE = { RUNNING: 'ok', IDLE: 'muted', STARTING: 'info', PAUSED: 'warn', DEGRADED: 'warn', STOPPING: 'info', STOPPED: 'muted', ERROR: 'bad' };
  var TRADING_TONE = { ACTIVE: 'ok', REDUCING: 'warn', HALTED: 'bad' };
  var FEED_TONE = { HEALTHY: 'ok', STALE: 'warn', DISCONNECTED: 'bad' };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function badge(text, tone, label) {
    var b = el('span', 'badge tone-' + (tone || 'muted'));
    if (label) b.appendChild(el('span', 'label', label));
    b.appendChild(document.createTextNode(text));
    return b;
  }
  // Groups the integer digits of an exact decimal string; never goes through a float.
  function group(s) {
    if (s === undefined || s === null) return '\u2014';
    var m = /^([+-]?)(\d+)(\.\d+)?$/.exec(String(s));
    if (!m) return String(s);
    return m[1] + m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (m[3] || '');
  }
  function signClass(s) {
    if (s === undefined || s === null || !/[1-9]/.test(String(s))) return '';
    return String(s).charAt(0) === '-' ? 'neg' : 'pos';
  }
  function clock(ts) { return ts === undefined || ts === null ? '\u2014' : new Date(ts).toISOString().slice(11, 19); }
  function stamp(ts) { return new Date(ts).toISOString().slice(0, 19).replace('T', ' ') + ' UTC'; }
  function age(now, ts) {
    if (ts === undefined || ts === null) return 'never';
    var s = Math.max(0, (now - ts) / 1000);
    return s < 60 ? s.toFixed(1) + ' s ago' : s < 3600 ? Math.floor(s / 60) + ' min ago' : Math.floor(s / 3600) + ' h ago';
  }
  // cells: [text, className] or a Node.
  function row(cells, cls) {
    var tr = el('tr', cls);
    cells.forEach(function (c) {
      var td = el('td', c[1] || '');
      if (c[0] && c[0].nodeType) td.appendChild(c[0]); else td.textContent = c[0] === undefined || c[0] === null ? '\u2014' : String(c[0]);
      tr.appendChild(td);
    });
    return tr;
  }
  function fill(id, items, empty, make) {
    var body = $(id);
    var columns = body.parentNode.querySelectorAll('thead th').length;
    var rows = [];
    if (items.length === 0) {
      var tr = el('tr', 'empty');
      var td = el('td', '', empty);
      td.colSpan = columns;
      tr.appendChild(td);
      rows.push(tr);
    } else items.forEach(function (it) { rows.push(make(it)); });
    body.replaceChildren.apply(body, rows);
  }

  function render(s) {
    state.snapshot = s;
    state.snapshots++;
    $('node-id').textContent = s.nodeId;
    $('node-state').replaceChildren(badge(s.state, NODE_TONE[s.state], 'node'));
    $('trading-state').replaceChildren(badge(s.tradingState, TRADING_TONE[s.tradingState] || 'info', 'trading'));
    $('as-of').textContent = 'as of ' + stamp(s.ts);
    var ccy = ' ' + s.baseCurrency;
    [['equity', s.equity], ['cash', s.cash], ['realized', s.realizedPnl], ['unrealized', s.unrealizedPnl]].forEach(function (k) {
      var v = $('kpi-' + k[0]);
      v.textContent = group(k[1]) + ccy;
      v.className = 'value' + (k[0] === 'realized' || k[0] === 'unrealized' ? ' ' + signClass(k[1]) : '');
    });
    fill('breakers', s.breakers, 'No breakers', function (b) {
      return row([[b.name], [badge(b.tripped ? 'TRIPPED' : 'OK', b.tripped ? 'bad' : 'ok')], [b.reason || '']], b.tripped ? 'tripped' : '');
    });
    fill('feeds', s.feeds, 'No feeds', function (f) {
      return row([[f.name], [badge(f.status, FEED_TONE[f.status])], [age(s.ts, f.lastMessageTs)], [f.reconnects, 'num']]);
    });
    fill('positions', s.positions, 'No open positions', function (p) {
      return row([[p.instrumentId], [group(p.quantity), 'num ' + signClass(p.quantity)], [group(p.averagePrice), 'num'],
        [p.unrealizedPnl === undefined ? '\u2014' : group(p.unrealizedPnl), 'num ' + signClass(p.unrealizedPnl)], [group(p.realizedPnl), 'num ' + signClass(p.realizedPnl)]]);
    });
    fill('orders', s.openOrders, 'No open orders', function (o) {
      var status = el('span', '');
      status.appendChild(document.createTextNode(o.status + ' '));
      if (o.inFlight) status.appendChild(badge('IN FLIGHT', 'warn'));
      // Found at the venue but not placed by this node: listed, never managed.
      if (o.external) status.appendChild(badge('EXTERNAL', 'info'));
      return row([[o.clientOrderId], [o.venueOrderId || '\u2014', 'muted'], [o.instrumentId], [o.side, 'side-' + o.side], [o.type], [status],
        [group(o.quantity), 'num'], [group(o.filledQuantity), 'num'], [o.price === undefined ? 'market' : group(o.price), 'num']], o.inFlight ? 'inflight' : '');
    });
    var fills = s.recentFills.slice().reverse();
    fill('fills', fills, 'No fills yet', function (f) {
      return row([[clock(f.ts)], [f.instrumentId], [f.side, 'side-' + f.side], [group(f.quantity), 'num'], [group(f.price), 'num'], [group(f.commission), 'num'], [f.clientOrderId, 'muted'], [f.tradeId, 'muted']]);
    });
    drawEquity(s.equityCurve.ts, s.equityCurve.equity);
  }

  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  // Keeps the first, the lowest, the highest and the last sample of each pixel column, so a spike
  // survives however many samples there are.
  function downsample(ts, eq, buckets) {
    if (ts.length <= buckets * 2) return ts.map(function (t, i) { return [t, eq[i]]; });
    var out = [];
    var per = ts.length / buckets;
    for (var b = 0; b < buckets; b++) {
      var from = Math.floor(b * per), to = Math.min(ts.length, Math.floor((b + 1) * per));
      if (to <= from) continue;
      var lo = from, hi = from;
      for (var i = from; i < to; i++) { if (eq[i] < eq[lo]) lo = i; if (eq[i] > eq[hi]) hi = i; }
      [from, lo, hi, to - 1].filter(function (v, j, a) { return a.indexOf(v) === j; }).sort(function (a, c) { return a - c; })
        .forEach(function (k) { out.push([ts[k], eq[k]]); });
    }
    return out;
  }
  // Round axis values: a step of 1, 2, 2.5 or 5 times a power of ten, about count steps from below
  // lo to above hi (after Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990, with 2.5 added).
  function ticks(lo, hi, count) {
    var raw = (hi - lo) / count;
    var mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var n = raw / mag;
    var step = (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * mag;
    var decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (n > 2 && n <= 2.5 ? 1 : 0));
    var values = [];
    for (var v = Math.floor(lo / step) * step; v < hi + step * 1e-9; v += step) values.push(Number(v.toFixed(decimals)));
    if (values[values.length - 1] < hi) values.push(Number((values[values.length - 1] + step).toFixed(decimals)));
    return { values: values, decimals: decimals };
  }
  function drawEquity(ts, eq) {
    var chart = $('equity-chart');
    var width = Math.max(320, Math.round(chart.getBoundingClientRect().width) || 800), height = 240;
    var left = 84, right = 14, top = 12, bottom = 24;
    chart.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    var parts = [];
    if (ts.length < 2) {
      parts.push(svg('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'empty' }, ts.length === 0 ? 'No equity samples yet' : 'One equity sample: ' + eq[0]));
      chart.replaceChildren.apply(chart, parts);
      state.chart = { samples: ts.length, points: 0 };
      return;
    }
    var pts = downsample(ts, eq, width - left - right);
    var t0 = ts[0], t1 = ts[ts.length - 1];
    var lo = Infinity, hi = -Infinity;
    pts.forEach(function (p) { if (p[1] < lo) lo = p[1]; if (p[1] > hi) hi = p[1]; });
    if (hi === lo) { hi += Math.max(1, Math.abs(hi) * 0.001); lo -= Math.max(1, Math.abs(lo) * 0.001); }
    var axis = ticks(lo, hi, 4);
    lo = axis.values[0]; hi = axis.values[axis.values.length - 1];
    var x = function (t) { return left + (t1 === t0 ? 0 : (t - t0) / (t1 - t0)) * (width - left - right); };
    var y = function (v) { return top + (hi - v) / (hi - lo) * (height - top - bottom); };
    axis.values.forEach(function (v) {
      var gy = y(v).toFixed(1);
      parts.push(svg('line', { x1: left, x2: width - right, y1: gy, y2: gy, class: 'grid' }));
      parts.push(svg('text', { x: left - 6, y: Number(gy) + 4, 'text-anchor': 'end', class: 'tick' }, group(v.toFixed(axis.decimals))));
    });
    parts.push(svg('text', { x: left, y: height - 6, 'text-anchor': 'start' }, stamp(t0)));
    parts.push(svg('text', { x: width - right, y: height - 6, 'text-anchor': 'end' }, stamp(t1)));
    var d = pts.map(function (p, i) { return (i ? 'L' : 'M') + x(p[0]).toFixed(1) + ' ' + y(p[1]).toFixed(1); }).join(' ');
    var base = (height - bottom).toFixed(1);
    parts.push(svg('path', { d: d + ' L' + x(t1).toFixed(1) + ' ' + base + ' L' + x(t0).toFixed(1) + ' ' + base + ' Z', class: 'area' }));
    parts.push(svg('path', { d: d, class: 'curve' }));
    chart.replaceChildren.apply(chart, parts);
    state.chart = { samples: ts.length, points: pts.length, min: Math.min.apply(null, eq), max: Math.max.apply(null, eq) };
  }

  function logEvent(e) {
    state.events.unshift(e);
    if (state.events.length > MAX_EVENTS) state.events.length = MAX_EVENTS;
    var li = el('li', '');
    li.appendChild(el('time', '', clock(e.ts)));
    li.appendChild(badge(e.type, e.tone));
    li.appendChild(document.createTextNode(' ' + e.text));
    var list = $('events');
    var empty = list.querySelector('.empty-item');
    if (empty) empty.remove();
    list.insertBefore(li, list.firstChild);
    while (list.children.length > MAX_EVENTS) list.lastChild.remove();
  }

  function connect() {
    var source = new EventSource('/events');
    source.addEventListener('snapshot', function (m) { render(JSON.parse(m.data)); });
    source.addEventListener('event', function (m) { logEvent(JSON.parse(m.data)); });
    source.addEventListener('open', function () {
      state.connected = true;
      $('conn').textContent = '\u25CF live';
      $('conn').className = 'conn pos';
    });
    source.addEventListener('error', function () {
      state.connected = false;
      $('conn').textContent = '\u25CB reconnecting\u2026';
      $('conn').className = 'conn neg';
    });
  }

  function killSwitch() {
    var open = $('kill-open'), dialog = $('kill-dialog'), result = $('kill-result'), message = $('kill-message');
    if (!killEnabled) {
      open.disabled = true;
      return;
    }
    open.addEventListener('click', function () {
      message.textContent = '';
      $('kill-token').value = '';
      dialog.showModal();
      $('kill-reason').focus();
    });
    $('kill-cancel').addEventListener('click', function () { $('kill-token').value = ''; dialog.close(); });
    $('kill-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var reason = $('kill-reason').value.trim();
      var token = $('kill-token').value;
      $('kill-token').value = '';
      if (!reason) { message.textContent = 'Give a reason: it is recorded with the kill switch.'; return; }
      if (!token) { message.textContent = 'Enter the dashboard token.'; return; }
      $('kill-confirm').disabled = true;
      message.textContent = 'Sending\u2026';
      fetch('/api/kill-switch', {
        method: 'POST',
        headers: { 'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json' },
        body: JSON.stringify({ reason: reason }),
        credentials: 'omit',
        cache: 'no-store',
      }).then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (body) {
          $('kill-confirm').disabled = false;
          if (res.ok) {
            dialog.close();
            result.textContent = 'Kill switch pulled at ' + stamp(body.ts) + ': trading halted.';
            result.className = 'result neg';
          } else {
            message.textContent = (body && body.error) || ('Refused (HTTP ' + res.status + ')');
          }
        });
      }, function () {
        $('kill-confirm').disabled = false;
        message.textContent = 'Could not reach the dashboard.';
      });
    });
  }

  window.addEventListener('resize', function () {
    if (state.snapshot) drawEquity(state.snapshot.equityCurve.ts, state.snapshot.equityCurve.equity);
  });
  killSwitch();
  connect();
})();
`;
