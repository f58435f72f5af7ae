/**
 * TAXII and STIX timestamps compared exactly: as microseconds since the epoch, so that `added_after`
 * with microsecond digits is strict against millisecond ledger times and vice versa.
 */
const TIMESTAMP_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

/** Microseconds since the epoch, or undefined for text that is not a UTC RFC 3339 timestamp. */
export function toMicros(text: string): bigint | undefined {
  const m = TIMESTAMP_RE.exec(text);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1] ?? ''}Z`);
  if (Number.isNaN(seconds)) return undefined;
  const fraction = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return BigInt(seconds) * 1000n + BigInt(fraction);
}

/** The timestamp with six fractional digits (TAXII's `date_added` style). */
export function formatMicros(micros: bigint): string {
  const ms = Number(micros / 1000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  return `${base}.${(micros % 1_000_000n).toString().padStart(6, '0')}Z`;
}
