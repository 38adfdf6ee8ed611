/**
 * The dashboard's single page: markup, stylesheet and script in one response, nothing fetched from
 * elsewhere. The script and the stylesheet carry the response's CSP nonce; the page's data arrives
 * over `/events` and is inserted as text, so the markup here holds only the title.
 */
import { DASHBOARD_CLIENT_SCRIPT } from './dashboard-client';
import { DASHBOARD_STYLE } from './dashboard-style';

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** What the page needs to know when it is served. */
export interface DashboardPageOptions {
  readonly title: string;
  /** The CSP nonce of this response (base64). */
  readonly nonce: string;
  /** Whether a token is configured; without one the kill switch button is disabled and says why. */
  readonly killSwitchEnabled: boolean;
}

function table(id: string, heads: readonly string[], numeric: readonly string[] = []): string {
  const th = heads.map((h) => `<th${numeric.includes(h) ? ' class="num"' : ''}>${h}</th>`).join('');
  return `<div class="table-wrap"><table><thead><tr>${th}</tr></thead><tbody id="${id}"><tr class="empty"><td colspan="${heads.length}">waiting for the node…</td></tr></tbody></table></div>`;
}

/** Renders the page. */
export function renderDashboardPage(o: DashboardPageOptions): string {
  const title = escapeHtml(o.title);
  const nonce = escapeHtml(o.nonce);
  const killText = o.killSwitchEnabled
    ? 'Halts trading at once: no new exposure, open orders cancelled. You will be asked for a reason and the dashboard token.'
    : 'Disabled: this dashboard was started without a token, so it cannot authenticate a kill switch request. Restart it with the token option to enable it.';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${title}</title>
<style nonce="${nonce}">${DASHBOARD_STYLE}</style>
</head>
<body data-kill-switch="${o.killSwitchEnabled ? 'enabled' : 'disabled'}">
<header>
  <h1>${title}</h1>
  <span class="muted">node <strong id="node-id">…</strong></span>
  <span id="node-state"></span>
  <span id="trading-state"></span>
  <span class="spacer"></span>
  <span id="as-of" class="muted"></span>
  <span id="conn" class="conn">○ connecting…</span>
</header>
<main>
  <section class="span-12">
    <div class="kpis">
      <div class="kpi"><div class="name">Equity</div><div class="value" id="kpi-equity">—</div></div>
      <div class="kpi"><div class="name">Cash</div><div class="value" id="kpi-cash">—</div></div>
      <div class="kpi"><div class="name">Realized P&amp;L</div><div class="value" id="kpi-realized">—</div></div>
      <div class="kpi"><div class="name">Unrealized P&amp;L</div><div class="value" id="kpi-unrealized">—</div></div>
    </div>
  </section>
  <section class="span-8"><h2>Equity</h2><svg id="equity-chart" role="img" aria-label="Equity curve" xmlns="http://www.w3.org/2000/svg"></svg></section>
  <section class="span-4"><h2>Kill switch</h2>
    <div class="kill">
      <p id="kill-help">${killText}</p>
      <button id="kill-open" class="danger" type="button"${o.killSwitchEnabled ? '' : ' disabled'}>Kill switch</button>
    </div>
    <p id="kill-result" class="result"></p>
    <h2>Breakers</h2>
    ${table('breakers', ['Breaker', 'Status', 'Reason'])}
  </section>
  <section class="span-6"><h2>Feeds</h2>${table('feeds', ['Feed', 'Status', 'Last message', 'Reconnects'], ['Reconnects'])}</section>
  <section class="span-6"><h2>Positions</h2>${table('positions', ['Instrument', 'Quantity', 'Avg price', 'Unrealized', 'Realized'], ['Quantity', 'Avg price', 'Unrealized', 'Realized'])}</section>
  <section class="span-12"><h2>Open orders</h2>${table('orders', ['Client id', 'Venue id', 'Instrument', 'Side', 'Type', 'Status', 'Quantity', 'Filled', 'Price'], ['Quantity', 'Filled', 'Price'])}</section>
  <section class="span-8"><h2>Recent fills</h2>${table('fills', ['Time (UTC)', 'Instrument', 'Side', 'Quantity', 'Price', 'Commission', 'Order', 'Trade'], ['Quantity', 'Price', 'Commission'])}</section>
  <section class="span-4"><h2>Events</h2><ul id="events" class="events"><li class="empty-item muted">No events since this page opened</li></ul></section>
</main>
<footer>Updates live from the node; this page loads nothing from other hosts.</footer>
<dialog id="kill-dialog">
  <form id="kill-form" method="dialog">
    <h3>Pull the kill switch?</h3>
    <p>Trading halts at once: the node takes no new exposure and cancels its open orders. This dashboard cannot undo it.</p>
    <label for="kill-reason">Reason (recorded)</label>
    <input id="kill-reason" name="reason" maxlength="500" autocomplete="off" required>
    <label for="kill-token">Dashboard token</label>
    <input id="kill-token" name="token" type="password" autocomplete="off" required>
    <p id="kill-message" class="neg"></p>
    <div class="actions">
      <button id="kill-cancel" type="button">Cancel</button>
      <button id="kill-confirm" class="danger" type="submit">Halt trading</button>
    </div>
  </form>
</dialog>
<script nonce="${nonce}">${DASHBOARD_CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
