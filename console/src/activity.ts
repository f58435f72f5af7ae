/**
 * The console's overview in memory: intel versions per day by TLP, type and producer; payments per
 * settlement day by corridor and state; the open disputes. Built once from the ledger's paged listings,
 * then kept current by the event follower. Every entry is keyed by the record it counts (an intel
 * version, a UETR), so a record seen twice (listed, then followed) is counted once.
 */
import type { IntelRecord, PaymentRecord, PaymentState } from '@xborder/sdk';

/** Counts of one day. */
export interface IntelDay {
  readonly day: string;
  readonly total: number;
  readonly tlp: Readonly<Record<string, number>>;
  readonly type: Readonly<Record<string, number>>;
  readonly producer: Readonly<Record<string, number>>;
}

export interface PaymentDay {
  readonly day: string;
  readonly total: number;
  readonly corridor: Readonly<Record<string, number>>;
  readonly state: Readonly<Record<string, number>>;
}

export interface OpenDispute {
  readonly uetr: string;
  readonly corridor: string;
  readonly settlementDate: string;
  readonly attester: string;
  readonly confirmer: string | null;
  readonly differingFields: readonly string[];
}

export interface ActivitySnapshot {
  readonly intel: { readonly total: number; readonly revoked: number; readonly days: IntelDay[] };
  readonly payments: { readonly total: number; readonly days: PaymentDay[] };
  readonly disputes: OpenDispute[];
}

interface IntelEntry {
  readonly day: string;
  readonly tlp: string;
  readonly type: string;
  readonly producer: string;
}

interface PaymentEntry {
  readonly day: string;
  readonly corridor: string;
  state: PaymentState;
}

type Counts = Map<string, number>;

function bump(counts: Counts, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
}

function plain(counts: Counts): Record<string, number> {
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export class ActivityIndex {
  readonly #intel = new Map<string, IntelEntry>();
  readonly #revoked = new Set<string>();
  readonly #intelDays = new Map<string, { total: number; tlp: Counts; type: Counts; producer: Counts }>();
  readonly #payments = new Map<string, PaymentEntry>();
  readonly #paymentDays = new Map<string, { total: number; corridor: Counts; state: Counts }>();
  readonly #disputes = new Map<string, OpenDispute>();

  /** Counts an intel version (once, however often it is added); returns whether it was new. */
  addIntel(r: Pick<IntelRecord, 'stixId' | 'modified' | 'stixType' | 'tlp' | 'producer' | 'txTime' | 'revoked'>): boolean {
    if (r.revoked) this.#revoked.add(r.stixId);
    const key = `${r.stixId}@${r.modified}`;
    if (this.#intel.has(key)) return false;
    const entry = { day: r.txTime.slice(0, 10), tlp: r.tlp, type: r.stixType, producer: r.producer };
    this.#intel.set(key, entry);
    let day = this.#intelDays.get(entry.day);
    if (!day) {
      day = { total: 0, tlp: new Map(), type: new Map(), producer: new Map() };
      this.#intelDays.set(entry.day, day);
    }
    day.total++;
    bump(day.tlp, entry.tlp, 1);
    bump(day.type, entry.type, 1);
    bump(day.producer, entry.producer, 1);
    return true;
  }

  /** Marks an object revoked. */
  revokeIntel(stixId: string): void {
    this.#revoked.add(stixId);
  }

  /** Counts a payment, or moves it to its new state; keeps the open disputes. */
  putPayment(
    r: Pick<PaymentRecord, 'uetr' | 'corridor' | 'settlementDate' | 'state' | 'attester' | 'confirmer' | 'differingFields'>,
  ): void {
    const existing = this.#payments.get(r.uetr);
    let day = this.#paymentDays.get(r.settlementDate);
    if (!day) {
      day = { total: 0, corridor: new Map(), state: new Map() };
      this.#paymentDays.set(r.settlementDate, day);
    }
    if (!existing) {
      this.#payments.set(r.uetr, { day: r.settlementDate, corridor: r.corridor, state: r.state });
      day.total++;
      bump(day.corridor, r.corridor, 1);
      bump(day.state, r.state, 1);
    } else if (existing.state !== r.state) {
      const old = this.#paymentDays.get(existing.day);
      if (old) bump(old.state, existing.state, -1);
      bump(day.state, r.state, 1);
      existing.state = r.state;
    }
    if (r.state === 'DISPUTED')
      this.#disputes.set(r.uetr, {
        uetr: r.uetr,
        corridor: r.corridor,
        settlementDate: r.settlementDate,
        attester: r.attester,
        confirmer: r.confirmer,
        differingFields: [...r.differingFields],
      });
    else this.#disputes.delete(r.uetr);
  }

  /** Whether a payment is counted already. */
  hasPayment(uetr: string): boolean {
    return this.#payments.has(uetr);
  }

  /** Days in order, the newest `days` of them (all when omitted). */
  snapshot(days?: number): ActivitySnapshot {
    const recent = <T>(m: Map<string, T>): [string, T][] => {
      const sorted = [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
      return days === undefined ? sorted : sorted.slice(-days);
    };
    return {
      intel: {
        total: this.#intel.size,
        revoked: this.#revoked.size,
        days: recent(this.#intelDays).map(([day, d]) => ({
          day,
          total: d.total,
          tlp: plain(d.tlp),
          type: plain(d.type),
          producer: plain(d.producer),
        })),
      },
      payments: {
        total: this.#payments.size,
        days: recent(this.#paymentDays)
          .filter(([, d]) => d.total > 0)
          .map(([day, d]) => ({ day, total: d.total, corridor: plain(d.corridor), state: plain(d.state) })),
      },
      disputes: [...this.#disputes.values()].sort(
        (a, b) => b.settlementDate.localeCompare(a.settlementDate) || a.uetr.localeCompare(b.uetr),
      ),
    };
  }
}
