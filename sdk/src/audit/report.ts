import { createHash } from 'node:crypto';

import { canonicalize, isValidDate } from '@xborder/protocol';
import type { Corridor } from '@xborder/protocol';

import { XborderError } from '../errors';
import type { IntelClient, IntelRecord } from '../intel';
import type { PaymentsClient, Reconciliation } from '../payments';

/** Intel records of one institution, TLP and type in a report's period. */
export interface IntelActivityRow {
  readonly institution: string;
  readonly tlp: string;
  readonly type: string;
  readonly submissions: number;
  readonly newVersions: number;
  readonly revocations: number;
  readonly sightings: number;
}

/** Payments of one corridor, currency and state in a report's period. */
export interface PaymentRow {
  readonly corridor: Corridor;
  readonly currency: string;
  readonly state: string;
  readonly count: number;
  readonly amount: string;
  readonly settlementCurrency: string;
  readonly settlementAmount: string;
}

/** An activity report between two dates with a manifest digest that detects edits. */
export interface AuditReport {
  readonly kind: 'xborder-audit-report';
  readonly from: string;
  readonly to: string;
  /** The institution the report is limited to (its intel and sightings, the payments it sent or received), or null. */
  readonly institution: string | null;
  readonly generatedAt: string;
  readonly intel: IntelActivityRow[];
  readonly payments: PaymentRow[];
  readonly unconfirmed: (Reconciliation['unconfirmed'][number] & { corridor: Corridor; date: string })[];
  readonly disputed: (Reconciliation['disputed'][number] & { corridor: Corridor; date: string })[];
  /** SHA-256 of the canonical JSON of everything above: a reader recomputes it to detect edits. */
  readonly manifest: { readonly algorithm: 'sha256'; readonly digest: string };
}

const MAX_DAYS = 92;

function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d = new Date(d.getTime() + 86_400_000))
    out.push(d.toISOString().slice(0, 10));
  return out;
}

/** The SHA-256 manifest digest of a report body (everything but the manifest). */
export function manifestDigest(body: Omit<AuditReport, 'manifest'>): string {
  return createHash('sha256').update(canonicalize(body)).digest('hex');
}

/**
 * Activity between two dates (inclusive, UTC): intel submissions, new versions, revocations and
 * sightings by institution, TLP and type; payments by corridor, currency and state with sums, and the
 * unconfirmed and disputed ones; with `institution`, only that institution's. Built from evaluate-only reads.
 */
export async function buildReport(
  intel: IntelClient,
  payments: PaymentsClient,
  from: string,
  to: string,
  institution?: string,
): Promise<AuditReport> {
  if (!isValidDate(from) || !isValidDate(to) || to < from)
    throw new XborderError('USAGE', '--from and --to must be dates YYYY-MM-DD, from <= to');
  const dates = days(from, to);
  if (dates.length > MAX_DAYS) throw new XborderError('USAGE', `at most ${String(MAX_DAYS)} days per report`);
  const start = `${from}T00:00:00.000Z`;
  const end = new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000).toISOString();
  const inWindow = (t: string | null): boolean => t !== null && t >= start && t < end;

  const records: IntelRecord[] = [];
  let bookmark = '';
  do {
    const page = await intel.list({ filter: 'all', from: start, to: end, pageSize: 200, ...(bookmark !== '' ? { bookmark } : {}) });
    records.push(...page.items);
    bookmark = page.bookmark;
  } while (bookmark !== '');
  const rows = new Map<
    string,
    { institution: string; tlp: string; type: string; submissions: number; newVersions: number; revocations: number; sightings: number }
  >();
  const row = (
    institution: string,
    tlp: string,
    type: string,
  ): { submissions: number; newVersions: number; revocations: number; sightings: number } => {
    const k = `${institution}|${tlp}|${type}`;
    let r = rows.get(k);
    if (!r) {
      r = { institution, tlp, type, submissions: 0, newVersions: 0, revocations: 0, sightings: 0 };
      rows.set(k, r);
    }
    return r;
  };
  const objects = new Map<string, IntelRecord>();
  for (const r of records) {
    objects.set(r.stixId, r);
    if (institution !== undefined && r.producer !== institution) continue;
    const target = row(r.producer, r.tlp, r.stixType);
    if (r.previousModified === null) target.submissions++;
    else target.newVersions++;
    if (r.revoked && inWindow(r.revokedAt)) target.revocations++;
  }
  for (const [stixId, r] of objects) {
    let b = '';
    do {
      const page = await intel.sightings(stixId, { pageSize: 200, ...(b !== '' ? { bookmark: b } : {}) });
      for (const s of page.items)
        if (inWindow(s.txTime) && (institution === undefined || s.institution === institution))
          row(s.institution, r.tlp, r.stixType).sightings++;
      b = page.bookmark;
    } while (b !== '');
  }

  const paymentRows: PaymentRow[] = [];
  const unconfirmed: AuditReport['unconfirmed'] = [];
  const disputed: AuditReport['disputed'] = [];
  for (const date of dates) {
    for (const corridor of ['HK-TH', 'TH-HK'] as const) {
      const rec = await payments.reconcile(date, corridor, institution);
      for (const t of rec.totals) paymentRows.push({ corridor, ...t });
      for (const u of rec.unconfirmed) unconfirmed.push({ ...u, corridor, date });
      for (const d of rec.disputed) disputed.push({ ...d, corridor, date });
    }
  }
  const body = {
    kind: 'xborder-audit-report' as const,
    from,
    to,
    institution: institution ?? null,
    generatedAt: new Date().toISOString(),
    intel: [...rows.values()].sort((a, b) => `${a.institution}|${a.tlp}|${a.type}`.localeCompare(`${b.institution}|${b.tlp}|${b.type}`)),
    payments: paymentRows,
    unconfirmed,
    disputed,
  };
  return { ...body, manifest: { algorithm: 'sha256', digest: manifestDigest(body) } };
}

function csvCell(v: unknown): string {
  const s = Array.isArray(v) ? v.join(';') : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The report as CSV sections; the last line is `# sha256 <digest of every byte before it>`. */
export function reportCsv(report: AuditReport): string {
  const lines: string[] = [
    `# xborder audit report ${report.from} to ${report.to}${report.institution !== null ? ` for ${report.institution}` : ''}, generated ${report.generatedAt}`,
  ];
  lines.push('section,institution,tlp,type,submissions,new_versions,revocations,sightings');
  for (const r of report.intel)
    lines.push(['intel', r.institution, r.tlp, r.type, r.submissions, r.newVersions, r.revocations, r.sightings].map(csvCell).join(','));
  lines.push('section,corridor,currency,state,count,amount,settlement_currency,settlement_amount');
  for (const p of report.payments)
    lines.push(
      ['payments', p.corridor, p.currency, p.state, p.count, p.amount, p.settlementCurrency, p.settlementAmount].map(csvCell).join(','),
    );
  lines.push('section,corridor,date,uetr,detail');
  for (const u of report.unconfirmed)
    lines.push(
      ['unconfirmed', u.corridor, u.date, u.uetr, `${u.amount.currency} ${u.amount.value} since ${u.attestedAt}`].map(csvCell).join(','),
    );
  for (const d of report.disputed) lines.push(['disputed', d.corridor, d.date, d.uetr, d.differingFields].map(csvCell).join(','));
  const body = `${lines.join('\n')}\n`;
  return `${body}# sha256 ${createHash('sha256').update(body).digest('hex')}\n`;
}
