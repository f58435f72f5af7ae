/** Intel: the ledger's listing with its filters and paging, and a record's detail. */
import type { IntelRecord } from '@xborder/sdk';

import type { IntelDetail } from '../../src/api-types';

import { api } from '../api';
import { badge, fields, fill, h, short, table, when } from '../dom';

interface Page<T> {
  items: T[];
  bookmark: string;
}

const FILTERS: [string, string][] = [
  ['all', 'All records'],
  ['tlp', 'TLP'],
  ['type', 'STIX type'],
  ['producer', 'Producer institution'],
  ['org', 'Producer organisation (MSP)'],
];

/** Bookmarks of the pages before the current one, per query. */
const earlier = new Map<string, string[]>();

function tlpBadge(tlp: string): HTMLElement {
  return badge(`TLP:${tlp}`, tlp === 'RED' || tlp === 'AMBER+STRICT' ? 'bad' : tlp === 'AMBER' ? 'warn' : 'plain');
}

export async function renderIntelList(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const filter = params.get('filter') ?? 'all';
  const value = params.get('value') ?? '';
  const fromDay = params.get('from') ?? '';
  const toDay = params.get('to') ?? '';
  const size = params.get('pageSize') ?? '25';
  const bookmark = params.get('bookmark') ?? '';
  const queryKey = JSON.stringify([filter, value, fromDay, toDay, size]);

  const go = (next: Record<string, string>): void => {
    const q = new URLSearchParams({ filter, value, from: fromDay, to: toDay, pageSize: size, ...next });
    for (const [k, v] of [...q.entries()]) if (v === '') q.delete(k);
    location.hash = `#/intel?${q.toString()}`;
  };
  const form = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Filter intel records',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const f = new FormData(e.target as HTMLFormElement);
        earlier.delete(queryKey);
        const q = new URLSearchParams();
        for (const k of ['filter', 'value', 'from', 'to', 'pageSize']) {
          const entry = f.get(k);
          const v = typeof entry === 'string' ? entry : '';
          if (v !== '') q.set(k, v);
        }
        location.hash = `#/intel?${q.toString()}`;
      },
    },
    h(
      'label',
      {},
      'Filter',
      h('select', { name: 'filter', id: 'f-filter' }, ...FILTERS.map(([v, l]) => h('option', { value: v, selected: v === filter }, l))),
    ),
    h('label', {}, 'Value', h('input', { name: 'value', id: 'f-value', value, placeholder: 'e.g. AMBER, indicator, hk-bank-a, HKMSP' })),
    h('label', {}, 'Submitted from (UTC day)', h('input', { type: 'date', name: 'from', id: 'f-from', value: fromDay })),
    h('label', {}, 'Before (UTC day)', h('input', { type: 'date', name: 'to', id: 'f-to', value: toDay })),
    h(
      'label',
      {},
      'Page size',
      h(
        'select',
        { name: 'pageSize', id: 'f-size' },
        ...['10', '25', '50', '100', '200'].map((n) => h('option', { value: n, selected: n === size }, n)),
      ),
    ),
    h('button', { type: 'submit' }, 'Apply'),
  );
  const results = h('div', { id: 'intel-results', 'aria-live': 'polite' }, 'Loading…');
  fill(main, h('h1', {}, 'Intel records'), form, results);

  const page = await api<Page<IntelRecord>>('/api/intel', {
    filter,
    value: filter === 'all' ? undefined : value,
    from: fromDay !== '' ? `${fromDay}T00:00:00Z` : undefined,
    to: toDay !== '' ? `${toDay}T00:00:00Z` : undefined,
    pageSize: size,
    bookmark,
  });
  const stack = earlier.get(queryKey) ?? [];
  const pageNo = bookmark === '' ? 1 : stack.length + 1;
  fill(
    results,
    page.items.length === 0
      ? h('p', {}, 'No records match.')
      : table(
          'Intel records',
          ['STIX id', 'Type', 'TLP', 'Producer', 'Version (modified)', 'Submitted', 'State'],
          page.items.map((r) => [
            h('a', { href: `#/intel/${r.stixId}`, class: 'mono' }, r.stixId),
            r.stixType,
            tlpBadge(r.tlp),
            r.producer,
            when(r.modified),
            when(r.txTime),
            r.revoked ? badge('revoked', 'bad') : r.previousModified !== null ? badge('new version', 'plain') : '',
          ]),
        ),
    h(
      'div',
      { class: 'pager' },
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          id: 'page-first',
          disabled: bookmark === '',
          onclick: () => {
            earlier.delete(queryKey);
            go({ bookmark: '' });
          },
        },
        'First page',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          id: 'page-prev',
          disabled: bookmark === '',
          onclick: () => {
            const prev = stack.pop() ?? '';
            earlier.set(queryKey, stack);
            go({ bookmark: prev });
          },
        },
        'Previous page',
      ),
      h('span', { id: 'page-no' }, `Page ${String(pageNo)} · ${String(page.items.length)} records`),
      h(
        'button',
        {
          type: 'button',
          id: 'page-next',
          disabled: page.bookmark === '' || page.items.length === 0,
          onclick: () => {
            earlier.set(queryKey, [...stack, bookmark]);
            go({ bookmark: page.bookmark });
          },
        },
        'Next page',
      ),
    ),
  );
}

export function proofLink(target: string, label = 'Download proof'): HTMLAnchorElement {
  return h('a', { href: `/api/proof?target=${encodeURIComponent(target)}`, download: '', class: 'proof-link' }, label);
}

export async function renderIntelDetail(main: HTMLElement, stixId: string): Promise<void> {
  fill(main, h('h1', {}, short(stixId, 60)), h('p', {}, 'Loading…'));
  const d = await api<IntelDetail>(`/api/intel/${encodeURIComponent(stixId)}`);
  const r = d.record;
  const latest = d.history.find((v) => v.modified === r.modified);
  const key = d.key;
  fill(
    main,
    h('h1', { class: 'mono' }, r.stixId),
    h(
      'p',
      {},
      tlpBadge(r.tlp),
      ' ',
      latest?.signatureValid === true ? badge('signature valid', 'ok') : badge('signature INVALID', 'bad'),
      ' ',
      r.revoked ? badge('revoked', 'bad') : badge('not revoked', 'ok'),
      ' ',
      proofLink(`intel:${r.stixId}@${r.modified}`),
    ),
    fields([
      ['Type', r.stixType],
      ['Latest version (modified)', when(r.modified)],
      ['Producer', `${r.producer} (${r.mspId})`],
      ['Content commitment', h('code', {}, r.contentCommitment)],
      ['Confidence', r.confidence === null ? '—' : String(r.confidence)],
      ['Labels', (r.labels ?? []).join(', ') || '—'],
      ['Valid until', when(r.validUntil)],
      ['Submitted', when(r.txTime)],
      ['Transaction', h('code', {}, r.txId)],
      ['Revocation', r.revoked ? `${when(r.revokedAt)}: ${r.revokeReason ?? ''}` : '—'],
      ['Signed statement', h('code', { id: 'statement' }, r.statement)],
    ]),
    h('h2', {}, 'Signer key'),
    key === null
      ? h('p', { class: 'error' }, `Key ${r.signerFingerprint} is not in the registry.`)
      : fields([
          ['Fingerprint', h('code', {}, key.fingerprint)],
          ['Institution', key.institution],
          ['Subject', key.subject],
          ['Valid', `${when(key.notBefore)} to ${when(key.notAfter)}`],
          [
            'Status',
            [
              badge(key.status, key.status === 'active' ? 'ok' : 'bad'),
              key.revokedAt !== null ? ` revoked from ${when(key.revokedAt)}: ${key.revokeReason ?? ''}` : '',
            ],
          ],
        ]),
    h('h2', {}, `History (${String(d.history.length)} versions)`),
    table(
      'Versions of this object',
      ['Version (modified)', 'TLP', 'Submitted', 'Signature', 'Commitment', 'Proof'],
      d.history.map((v) => [
        when(v.modified),
        tlpBadge(v.tlp),
        when(v.txTime),
        v.signatureValid ? badge('valid', 'ok') : badge('invalid', 'bad'),
        h('code', {}, short(v.contentCommitment, 20)),
        proofLink(`intel:${v.stixId}@${v.modified}`, 'proof'),
      ]),
    ),
    h('h2', {}, `Sightings (${String(d.sightings.items.length)}${d.sightings.bookmark !== '' ? '+' : ''})`),
    d.sightings.items.length === 0
      ? h('p', {}, 'None recorded.')
      : table(
          'Sightings',
          ['Institution', 'Count', 'First seen', 'Last seen', 'False positive', 'Recorded'],
          d.sightings.items.map((s) => [
            `${s.institution} (${s.mspId})`,
            s.count,
            when(s.firstSeen),
            when(s.lastSeen),
            s.falsePositive ? 'yes' : 'no',
            when(s.txTime),
          ]),
          [1],
        ),
  );
}
