import { ChaincodeError } from './errors';

/** ISO 4217 minor units of the currencies the corridor and its neighbours use. */
export const MINOR_UNITS: Readonly<Record<string, number>> = {
  HKD: 2,
  THB: 2,
  CNY: 2,
  USD: 2,
  EUR: 2,
  GBP: 2,
  SGD: 2,
  MYR: 2,
  JPY: 0,
  KRW: 0,
  IDR: 2,
  PHP: 2,
  VND: 0,
  AUD: 2,
};

/** An amount as ISO 20022 carries it: a decimal string and an ISO 4217 currency code. Never a float. */
export interface Amount {
  readonly value: string;
  readonly currency: string;
}

const DECIMAL_RE = /^(0|[1-9]\d{0,17})(?:\.(\d{1,5}))?$/;

export function isCurrency(code: unknown): code is string {
  return typeof code === 'string' && Object.hasOwn(MINOR_UNITS, code);
}

/** Parses an amount into integer minor units, refusing more decimals than the currency has. */
export function toMinor(amount: Amount, what: string): bigint {
  if (!isCurrency(amount.currency))
    throw new ChaincodeError('PAYMENT_INVALID', `${what}: unknown or unsupported ISO 4217 currency ${String(amount.currency).slice(0, 8)}`);
  const m = DECIMAL_RE.exec(amount.value);
  if (!m) throw new ChaincodeError('PAYMENT_INVALID', `${what}: "${amount.value.slice(0, 30)}" is not a decimal amount`);
  const units = MINOR_UNITS[amount.currency] ?? 2;
  const fraction = m[2] ?? '';
  if (fraction.length > units)
    throw new ChaincodeError(
      'PAYMENT_INVALID',
      `${what}: ${amount.currency} has ${String(units)} decimals, got ${String(fraction.length)}`,
    );
  return BigInt(m[1] ?? '0') * 10n ** BigInt(units) + BigInt(fraction.padEnd(units, '0') || '0');
}

/** Formats minor units back to the canonical decimal string of the currency. */
export function fromMinor(minor: bigint, currency: string): string {
  const units = MINOR_UNITS[currency] ?? 2;
  if (units === 0) return minor.toString();
  const s = minor.toString().padStart(units + 1, '0');
  return `${s.slice(0, -units)}.${s.slice(-units)}`;
}

/** The canonical form of an amount (`1000` HKD -> `1000.00`), so equal amounts compare equal. */
export function canonicalAmount(amount: Amount, what: string): Amount {
  return { value: fromMinor(toMinor(amount, what), amount.currency), currency: amount.currency };
}

const RATE_RE = /^(0|[1-9]\d{0,11})(?:\.(\d{1,12}))?$/;

/** A positive exchange rate as a fraction (numerator / 10^scale). */
export function parseRate(rate: string): { numerator: bigint; scale: number } {
  const m = RATE_RE.exec(rate);
  if (!m) throw new ChaincodeError('PAYMENT_INVALID', `exchange rate "${rate.slice(0, 30)}" is not a decimal number`);
  const fraction = m[2] ?? '';
  const numerator = BigInt(`${m[1] ?? '0'}${fraction}`);
  if (numerator === 0n) throw new ChaincodeError('PAYMENT_INVALID', 'exchange rate must be positive');
  return { numerator, scale: fraction.length };
}

/**
 * Whether `instructed x rate` equals `settlement` within `toleranceMinor` minor units of the settlement
 * currency, computed exactly in integers.
 */
export function rateMatches(instructed: Amount, rate: string, settlement: Amount, toleranceMinor: bigint): boolean {
  const i = toMinor(instructed, 'instructed amount');
  const s = toMinor(settlement, 'settlement amount');
  const { numerator, scale } = parseRate(rate);
  const mi = BigInt(MINOR_UNITS[instructed.currency] ?? 2);
  const ms = BigInt(MINOR_UNITS[settlement.currency] ?? 2);
  // i/10^mi * numerator/10^scale = s/10^ms  <=>  i*numerator*10^ms = s*10^(mi+scale)
  const left = i * numerator * 10n ** ms;
  const right = s * 10n ** (mi + BigInt(scale));
  const diff = left > right ? left - right : right - left;
  return diff <= toleranceMinor * 10n ** (mi + BigInt(scale));
}
