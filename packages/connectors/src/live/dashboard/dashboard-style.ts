/** The dashboard's stylesheet, inlined in the page under the response's CSP nonce. */
export const DASHBOARD_STYLE = `
:root { --bg: #0f1419; --panel: #171e26; --line: #26313d; --text: #d7dee6; --muted: #8796a5;
  --ok: #2fbf71; --warn: #e8a317; --bad: #e5484d; --info: #4c9ee8; --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 12px; padding: 12px 20px; border-bottom: 1px solid var(--line); background: var(--panel); }
header h1 { font-size: 18px; margin: 0 12px 0 0; font-weight: 600; }
.spacer { flex: 1; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-weight: 600; font-size: 12px; letter-spacing: .04em; border: 1px solid transparent; }
.badge .label { font-weight: 400; color: var(--muted); margin-right: 6px; }
.tone-ok { background: rgba(47,191,113,.15); color: var(--ok); border-color: rgba(47,191,113,.4); }
.tone-warn { background: rgba(232,163,23,.15); color: var(--warn); border-color: rgba(232,163,23,.4); }
.tone-bad { background: rgba(229,72,77,.15); color: var(--bad); border-color: rgba(229,72,77,.45); }
.tone-info { background: rgba(76,158,232,.15); color: var(--info); border-color: rgba(76,158,232,.4); }
.tone-muted { background: rgba(135,150,165,.12); color: var(--muted); border-color: rgba(135,150,165,.3); }
.conn { font-size: 12px; color: var(--muted); }
main { padding: 16px 20px 32px; display: grid; gap: 16px; grid-template-columns: repeat(12, minmax(0, 1fr)); }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
section h2 { margin: 0 0 10px; font-size: 13px; font-weight: 600; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.span-12 { grid-column: span 12; } .span-8 { grid-column: span 8; } .span-6 { grid-column: span 6; } .span-4 { grid-column: span 4; }
@media (max-width: 1000px) { .span-8, .span-6, .span-4 { grid-column: span 12; } }
.kpis { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; }
@media (max-width: 1000px) { .kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
.kpi .name { color: var(--muted); font-size: 12px; }
.kpi .value { font: 600 20px/1.3 var(--mono); }
.pos { color: var(--ok); } .neg { color: var(--bad); }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th { text-align: left; color: var(--muted); font-weight: 500; border-bottom: 1px solid var(--line); padding: 4px 8px 6px; white-space: nowrap; }
td { padding: 4px 8px; border-bottom: 1px solid rgba(38,49,61,.6); white-space: nowrap; }
td.num, th.num { text-align: right; font-family: var(--mono); }
tr.empty td { color: var(--muted); font-style: italic; }
tr.inflight td { background: rgba(232,163,23,.08); }
tr.tripped td { background: rgba(229,72,77,.08); }
.table-wrap { overflow-x: auto; max-height: 320px; overflow-y: auto; }
.side-BUY { color: var(--ok); font-weight: 600; } .side-SELL { color: var(--bad); font-weight: 600; }
#equity-chart { width: 100%; height: 240px; display: block; }
#equity-chart .grid { stroke: var(--line); stroke-width: 1; }
#equity-chart .curve { fill: none; stroke: var(--info); stroke-width: 1.6; }
#equity-chart .area { fill: rgba(76,158,232,.12); stroke: none; }
#equity-chart text { fill: var(--muted); font: 11px var(--mono); }
#equity-chart .empty { fill: var(--muted); font: italic 13px system-ui, sans-serif; }
.events { list-style: none; margin: 0; padding: 0; max-height: 240px; overflow-y: auto; font-size: 13px; }
.events li { padding: 3px 0; border-bottom: 1px solid rgba(38,49,61,.6); }
.events time { color: var(--muted); font-family: var(--mono); margin-right: 8px; }
.kill { display: flex; align-items: center; gap: 16px; flex-wrap: wrap; }
.kill p { margin: 0; color: var(--muted); flex: 1; min-width: 240px; }
button { font: inherit; border-radius: 6px; padding: 6px 14px; cursor: pointer; border: 1px solid var(--line); background: #222c37; color: var(--text); }
button.danger { background: var(--bad); border-color: var(--bad); color: #fff; font-weight: 600; }
button:disabled { opacity: .45; cursor: not-allowed; }
dialog { background: var(--panel); color: var(--text); border: 1px solid var(--bad); border-radius: 8px; padding: 18px 20px; width: min(460px, 92vw); }
dialog::backdrop { background: rgba(0,0,0,.6); }
dialog h3 { margin: 0 0 8px; color: var(--bad); }
dialog label { display: block; margin: 10px 0 4px; color: var(--muted); font-size: 12px; }
dialog input { width: 100%; padding: 6px 8px; background: var(--bg); color: var(--text); border: 1px solid var(--line); border-radius: 6px; font: inherit; }
dialog .actions { display: flex; justify-content: flex-end; gap: 8px; margin-top: 16px; }
.result { font-weight: 600; }
.muted { color: var(--muted); }
footer { padding: 0 20px 20px; color: var(--muted); font-size: 12px; }
`;
