/** Payments: a day's reconciliation per corridor, the disputed ones, and a payment's timeline and dispute fields side by side. */
import type { ConfirmationRecord, PaymentRecord, Reconciliation } from '@xborder/sdk';

import type { PaymentDetail } from '../../src/api-types';

import { api } from '../api';
import { badge, fields, fill, h, short, table, when } from '../dom';
import { proofLink } from './intel';

function stateBadge(state: string): HTMLElement {
  return badge(state, state === 'CONFIRMED' ? 'ok' : state === 'DISPUTED' || state === 'REJECTED' ? 'bad' : 'warn');
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export async function renderPayments(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const date = params.get('date') ?? today();
  const corridors = ['HK-TH', 'TH-HK'];
  const form = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Reconciliation day',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const f = new FormData(e.target as HTMLFormElement);
        const date = f.get('date');
        location.hash = `#/payments?date=${encodeURIComponent(typeof date === 'string' ? date : '')}`;
      },
    },
    h('label', {}, 'Settlement day', h('input', { type: 'date', name: 'date', id: 'p-date', value: date, required: true })),
    h('button', { type: 'submit' }, 'Reconcile'),
  );
  fill(main, h('h1', {}, 'Payments'), form, h('p', {}, 'Loading…'));
  const recs = await Promise.all(corridors.map((c) => api<Reconciliation>('/api/reconciliation', { date, corridor: c })));
  const sections = recs.map((r) => {
    const late = r.unconfirmed.length;
    const count = r.totals.reduce((a, t) => a + t.count, 0);
    const awaiting = r.totals.filter((t) => t.state === 'ATTESTED').reduce((a, t) => a + t.count, 0);
    return h(
      'section',
      { 'aria-labelledby': `rec-${r.corridor}`, class: 'reconciliation', 'data-corridor': r.corridor },
      h('h2', { id: `rec-${r.corridor}` }, `${r.corridor} on ${r.date}`),
      h(
        'p',
        { class: 'summary' },
        `${String(count)} payments · ${String(awaiting)} awaiting confirmation (${String(late)} for more than ${String(r.unconfirmedAfterMinutes)} min) · ${String(r.disputed.length)} disputed · ${String(r.rejected.length)} rejected · as of ${when(r.asOf)}`,
      ),
      r.totals.length === 0
        ? h('p', {}, 'No payments this day.')
        : table(
            `${r.corridor} totals`,
            ['Currency', 'State', 'Count', 'Instructed amount', 'Settlement amount'],
            r.totals.map((t) => [
              t.currency,
              stateBadge(t.state),
              t.count,
              `${t.currency} ${t.amount}`,
              `${t.settlementCurrency} ${t.settlementAmount}`,
            ]),
            [2, 3, 4],
          ),
      r.unconfirmed.length > 0
        ? [
            h('h3', {}, `Not confirmed after ${String(r.unconfirmedAfterMinutes)} min`),
            table(
              'Open payments',
              ['UETR', 'Attester', 'Amount', 'Attested'],
              r.unconfirmed.map((u) => [
                h('a', { href: `#/payments/${u.uetr}`, class: 'mono' }, u.uetr),
                u.attester,
                `${u.amount.currency} ${u.amount.value}`,
                when(u.attestedAt),
              ]),
            ),
          ]
        : null,
      r.disputed.length > 0
        ? [
            h('h3', {}, 'Disputed'),
            table(
              'Disputed payments',
              ['UETR', 'Attester', 'Confirmer', 'Differing fields'],
              r.disputed.map((d) => [
                h('a', { href: `#/payments/${d.uetr}`, class: 'mono' }, d.uetr),
                d.attester,
                d.confirmer ?? '—',
                d.differingFields.join(', '),
              ]),
            ),
          ]
        : null,
      r.rejected.length > 0
        ? [
            h('h3', {}, 'Rejected'),
            table(
              'Rejected payments',
              ['UETR', 'Reason'],
              r.rejected.map((x) => [h('a', { href: `#/payments/${x.uetr}`, class: 'mono' }, x.uetr), x.reasonCode ?? '—']),
            ),
          ]
        : null,
    );
  });
  fill(main, h('h1', {}, 'Payments'), form, ...sections);
}

/** Flattens a signed statement to dotted paths (`amount.value`), for comparing two sides field by field. */
function flatten(value: unknown, prefix = '', out: Map<string, string> = new Map()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else out.set(prefix, Array.isArray(value) ? value.join(', ') : String(value));
  return out;
}

function parseStatement(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Compares the attester's and confirmer's statements; rows of a differing field are marked. */
function sideBySide(record: PaymentRecord, confirmation: ConfirmationRecord): HTMLElement {
  const a = parseStatement(record.attestation);
  const c = parseStatement(confirmation.confirmation);
  const differing = new Set(confirmation.differingFields);
  // the attestation carries the fields at its top level, the confirmation under `fields`
  const attested = Object.fromEntries(Object.entries(a).filter(([k]) => !['purpose', 'institution', 'mspId'].includes(k)));
  const left = flatten(attested);
  const right = flatten(c.fields ?? {});
  const names = [...new Set([...left.keys(), ...right.keys()])].sort();
  const isDiffering = (n: string): boolean => [...differing].some((d) => n === d || n.startsWith(`${d}.`));
  const rows = names.map((n) =>
    h(
      'tr',
      { class: isDiffering(n) ? 'differs' : undefined, 'data-field': n },
      h('th', { scope: 'row' }, n, isDiffering(n) ? [' ', badge('differs', 'bad')] : null),
      h('td', { class: 'mono' }, left.get(n) ?? '—'),
      h('td', { class: 'mono' }, right.get(n) ?? '—'),
    ),
  );
  return h(
    'table',
    { id: 'dispute-fields' },
    h('caption', { class: 'visually-hidden' }, 'Attested and confirmed fields side by side'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Field'),
        h('th', { scope: 'col' }, `Attested by ${record.attester}`),
        h('th', { scope: 'col' }, `Confirmed by ${confirmation.confirmer}`),
      ),
    ),
    h('tbody', {}, ...rows),
  );
}

export async function renderPaymentDetail(main: HTMLElement, uetr: string): Promise<void> {
  fill(main, h('h1', {}, short(uetr, 40)), h('p', {}, 'Loading…'));
  const d = await api<PaymentDetail>(`/api/payments/${encodeURIComponent(uetr)}`);
  const r = d.record;
  const timeline: { at: string; text: (string | HTMLElement)[] }[] = [
    { at: r.attestedAt, text: [`Attested by ${r.attester} (${r.attesterMsp}) `, h('code', {}, short(r.attestTxId, 16))] },
    ...d.confirmations.map((c) => ({
      at: c.txTime,
      text: [
        `${c.status} from ${c.confirmer} (${c.confirmerMsp}) → `,
        stateBadge(c.resultingState),
        c.differingFields.length > 0 ? ` differing: ${c.differingFields.join(', ')}` : '',
      ],
    })),
    ...d.events.map((e) => ({
      at: e.txTime,
      text: [`${e.type} (${e.messageType}) by ${e.institution}${e.reasonCode !== null ? `, reason ${e.reasonCode}` : ''}`],
    })),
  ].sort((x, y) => x.at.localeCompare(y.at));
  const disputed = d.confirmations.filter((c) => c.differingFields.length > 0).at(-1);
  fill(
    main,
    h('h1', { class: 'mono' }, r.uetr),
    h('p', {}, stateBadge(r.state), ' ', proofLink(`payment:${r.uetr}`)),
    fields([
      ['Corridor', r.corridor],
      ['End-to-end id', h('code', {}, r.endToEndId)],
      ['Settlement day', r.settlementDate],
      ['Instructed amount', `${r.amount.currency} ${r.amount.value}`],
      ['Settlement amount', `${r.settlementAmount.currency} ${r.settlementAmount.value}`],
      ['Message hash (pacs.008)', h('code', {}, r.messageHash)],
      ['Last pacs.002 status', r.lastStatus ?? '—'],
    ]),
    h('h2', {}, 'Timeline'),
    h('ol', { class: 'timeline', id: 'timeline' }, ...timeline.map((t) => h('li', {}, h('strong', {}, when(t.at)), ' ', ...t.text))),
    disputed ? [h('h2', {}, `Dispute: ${disputed.differingFields.join(', ')} differ`), sideBySide(r, disputed)] : null,
    h('h2', {}, 'State history'),
    table(
      'State history',
      ['Time', 'State', 'Transaction'],
      d.history.map((x) => [when(x.timestamp), x.state ?? 'deleted', h('code', {}, short(x.txId, 16))]),
    ),
  );
}
