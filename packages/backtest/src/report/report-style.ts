/** The report's stylesheet: system fonts, cards, tabular figures, readable tables, print-friendly. */

/** @internal */
export const REPORT_STYLE = `
:root { --fg: #1f2933; --muted: #616e7c; --line: #e4e7eb; --bg: #f5f7fa; --card: #ffffff; --pos: #1e8449; --neg: #c0392b; --accent: #2f6fde; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 28px 24px 48px; }
header { margin-bottom: 8px; }
header .eyebrow { color: var(--accent); font-size: 12px; font-weight: 600; letter-spacing: .08em; text-transform: uppercase; }
h1 { font-size: 26px; line-height: 1.25; margin: 4px 0 6px; font-weight: 650; }
header .sub { color: var(--muted); }
h2 { font-size: 16px; margin: 0 0 12px; font-weight: 600; }
h2 .note { color: var(--muted); font-weight: 400; font-size: 13px; margin-left: 8px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin: 20px 0 8px; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
.kpi .label { color: var(--muted); font-size: 12px; letter-spacing: .03em; text-transform: uppercase; }
.kpi .value { font-size: 22px; font-weight: 620; font-variant-numeric: tabular-nums; margin-top: 2px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 18px 12px; margin: 16px 0; }
.grid2 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; }
.grid2 > .card { margin: 0; }
.row2 { margin: 16px 0; }
@media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
.chart { width: 100%; }
.chart-error { display: flex; align-items: center; justify-content: center; color: var(--neg); background: #fdf2f2; border-radius: 6px; }
.wide { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; }
.scroll { max-height: 520px; overflow: auto; border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 7px 12px; text-align: right; white-space: nowrap; border-bottom: 1px solid var(--line); }
th.t, td.t { text-align: left; }
thead th { position: sticky; top: 0; background: #f8f9fb; color: var(--muted); font-size: 12px; font-weight: 600; letter-spacing: .03em; text-transform: uppercase; z-index: 1; }
tbody tr:nth-child(even) { background: #fbfcfd; }
tbody tr:hover { background: #eef4ff; }
table.metrics td:first-child { color: var(--muted); }
table.metrics { max-width: 100%; }
table.kv td { white-space: normal; }
table.kv td:first-child { white-space: nowrap; }
.pos { color: var(--pos); }
.neg { color: var(--neg); }
.side-buy, .side-long { color: var(--pos); font-weight: 600; }
.side-sell, .side-short { color: var(--neg); font-weight: 600; }
.muted { color: var(--muted); }
p.small { font-size: 13px; margin: 10px 2px 4px; }
footer { color: var(--muted); font-size: 12px; margin-top: 28px; text-align: center; }
@media print { body { background: #fff; } .card, .kpi { break-inside: avoid; border-color: #ccc; } .scroll { max-height: none; overflow: visible; } }
`;
