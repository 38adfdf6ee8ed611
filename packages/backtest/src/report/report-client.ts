/**
 * The script the report page runs: it reads the chart specs from the embedded JSON, replaces each
 * `"$fmt:NAME"` placeholder with a formatter, and draws every chart with the inlined ECharts. A chart
 * that fails shows its error in place and on the console, so a broken report cannot look fine.
 * `window.rxtradeReport.charts` exposes the ECharts instances (for tests and for the curious).
 */

/** @internal The page script, plain ES2017 with no imports. */
export const REPORT_CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var enc = function (s) { return echarts.format.encodeHTML(String(s)); };
  var money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });
  var num = function (v) { return typeof v !== 'number' || !isFinite(v) ? '\u2014' : Math.abs(v) >= 1000 ? compact.format(v) : String(Number(v.toPrecision(4))); };
  var pct = function (v) { return typeof v !== 'number' || !isFinite(v) ? '\u2014' : (v * 100).toFixed(2) + '%'; };
  var fmt = {
    money: function (v) { return typeof v === 'number' ? money.format(v) : String(v); },
    compact: function (v) { return compact.format(v); },
    pct: pct,
    pctAxis: function (v) { return (v * 100).toFixed(Math.abs(v) < 0.1 && v !== 0 ? 1 : 0) + '%'; },
    num: num,
    heatPct: function (p) { return (p.value[2] * 100).toFixed(1); },
    heatNum: function (p) { return num(p.value[2]); },
    heatTipPct: function (p) { return enc(p.name) + ': <b>' + pct(p.value[2]) + '</b>'; },
    heatTipNum: function (p) { return enc(p.name) + '<br>' + enc(p.seriesName) + ': <b>' + num(p.value[2]) + '</b>'; },
    binTip: function (p) { return enc(p.name) + ': <b>' + p.value + '</b> periods'; },
    pointTip: function (p) {
      if (p.name) return enc(p.name);
      var v = p.value || [];
      return enc(p.seriesName) + '<br>' + enc(new Date(v[0]).toISOString().slice(0, 10)) + ': <b>' + num(v[1]) + '</b>';
    },
    dateLabel: function (p) { return new Date(p.value).toISOString().slice(0, 10); },
    numLabel: function (p) { return num(p.value); }
  };
  var revive = function (v) {
    if (typeof v === 'string' && v.indexOf('$fmt:') === 0) {
      var f = fmt[v.slice(5)];
      if (!f) throw new Error('unknown formatter ' + v);
      return f;
    }
    if (Array.isArray(v)) return v.map(revive);
    if (v && typeof v === 'object') { var o = {}; for (var k in v) o[k] = revive(v[k]); return o; }
    return v;
  };
  var charts = [];
  var groups = {};
  data.charts.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    try {
      var chart = echarts.init(el, null, { renderer: 'canvas' });
      chart.setOption(revive(spec.option));
      if (spec.group) { chart.group = spec.group; groups[spec.group] = true; }
      charts.push({ id: spec.id, chart: chart });
    } catch (e) {
      el.classList.add('chart-error');
      el.textContent = 'This chart could not be drawn: ' + (e && e.message ? e.message : e);
      console.error('rxtrade report: chart ' + spec.id + ' failed', e);
    }
  });
  Object.keys(groups).forEach(function (g) { echarts.connect(g); });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.chart.resize(); }); });
  window.rxtradeReport = { charts: charts };
})();`;
