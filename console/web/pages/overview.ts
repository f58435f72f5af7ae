/** Overview: totals, daily charts of intel and payments, open disputes, height and the co-signed checkpoint, live activity. */
import type { Change, Overview } from '../../src/api-types';
import { api } from '../api';
import { dailyChart } from '../charts';
import { badge, fields, fill, h, short, table, when } from '../dom';

function tile(n: number | string, label: string, id: string): HTMLElement {
  return h('div', { class: 'tile' }, h('span', { class: 'n', id }, n), h('span', { class: 'l' }, label));
}

export function changeLink(c: Change): HTMLElement {
  if (c.kind === 'intel' || c.kind === 'revocation' || c.kind === 'sighting')
    return h('a', { href: `#/intel/${encodeURIComponent(c.id)}` }, short(c.id, 40));
  if (c.kind === 'payment') return h('a', { href: `#/payments/${encodeURIComponent(c.id)}` }, short(c.id, 40));
  return h('span', {}, c.id);
}

export function changeItem(c: Change, fresh: boolean): HTMLLIElement {
  return h(
    'li',
    { class: fresh ? 'fresh' : undefined, 'data-seq': String(c.seq) },
    badge(c.kind, c.kind === 'revocation' ? 'bad' : 'plain'),
    ' ',
    changeLink(c),
    ' ',
    h('span', { class: 'muted' }, `${c.summary} · block ${String(c.block)}`),
  );
}

/** Renders the overview into `main`; returns the seq it covers (live changes after it are added by the app). */
export async function renderOverview(main: HTMLElement): Promise<number> {
  const o = await api<Overview>('/api/overview');
  const cp = o.checkpoint;
  const intelSeries = (key: 'tlp' | 'type' | 'producer'): { days: string[]; counts: Record<string, number>[] } => ({
    days: o.intel.days.map((d) => d.day),
    counts: o.intel.days.map((d) => d[key]),
  });
  const paySeries = (key: 'corridor' | 'state'): { days: string[]; counts: Record<string, number>[] } => ({
    days: o.payments.days.map((d) => d.day),
    counts: o.payments.days.map((d) => d[key]),
  });
  const charts = h('div', { class: 'charts' });
  fill(
    main,
    h('h1', {}, 'Overview'),
    h(
      'p',
      { class: 'muted' },
      `Activity since ${o.since} (UTC days). Read as this console's auditor identity; nothing here writes to the ledger.`,
    ),
    h(
      'div',
      { class: 'tiles' },
      tile(o.intel.total, 'intel versions', 'tile-intel'),
      tile(o.intel.revoked, 'objects revoked', 'tile-revoked'),
      tile(o.payments.total, 'payments', 'tile-payments'),
      tile(o.disputes.length, 'open disputes', 'tile-disputes'),
      tile(o.height, 'ledger height (blocks)', 'tile-height'),
      tile(
        cp ? cp.height : '—',
        cp ? `co-signed checkpoint (${cp.signers.join(' + ')})` : 'no co-signed checkpoint yet',
        'tile-checkpoint',
      ),
    ),
    cp
      ? h(
          'p',
          { class: 'muted' },
          `Latest checkpoint both operators signed: height ${String(cp.height)}, block hash `,
          h('code', {}, short(cp.blockHash, 16)),
          `, signed ${when(cp.signedAt)}.`,
        )
      : null,
    h('h2', {}, 'Intel records per day'),
    charts,
  );
  dailyChart(charts, 'chart-intel-tlp', 'Intel by TLP', intelSeries('tlp'));
  dailyChart(charts, 'chart-intel-type', 'Intel by STIX type', intelSeries('type'));
  dailyChart(charts, 'chart-intel-producer', 'Intel by producer', intelSeries('producer'));
  const payCharts = h('div', { class: 'charts' });
  main.append(h('h2', {}, 'Payments per settlement day'), payCharts);
  dailyChart(payCharts, 'chart-pay-corridor', 'Payments by corridor', paySeries('corridor'));
  dailyChart(payCharts, 'chart-pay-state', 'Payments by state', paySeries('state'));
  main.append(
    h(
      'div',
      { class: 'cols' },
      h(
        'section',
        { 'aria-labelledby': 'disputes-h' },
        h('h2', { id: 'disputes-h' }, `Open disputes (${String(o.disputes.length)})`),
        o.disputes.length === 0
          ? h('p', {}, 'None.')
          : table(
              'Open disputes',
              ['UETR', 'Corridor', 'Settlement', 'Differing fields'],
              o.disputes.map((d) => [
                h('a', { href: `#/payments/${d.uetr}` }, short(d.uetr, 18)),
                d.corridor,
                d.settlementDate,
                d.differingFields.join(', '),
              ]),
            ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'activity-h' },
        h('h2', { id: 'activity-h' }, 'Changes since the console started'),
        h('ul', { class: 'feed', id: 'feed', 'aria-live': 'polite' }, ...o.recent.map((c) => changeItem(c, false))),
        o.recent.length === 0
          ? h('p', { class: 'muted', id: 'feed-empty' }, 'None yet: records appear here as they are committed, without a reload.')
          : null,
      ),
    ),
    fields([['Overview built in', `${String(o.builtInMs)} ms at start, kept current from the event stream`]]),
  );
  return o.seq;
}
