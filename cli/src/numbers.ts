import { XborderError } from '@xborder/sdk';

/** A command-line count that must be 1 or more. */
export function positiveInt(value: string, name: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new XborderError('USAGE', `${name} must be a positive integer`);
  return Number(value);
}

/** A command-line number that may be 0 (block numbers); undefined stays undefined. */
export function nonNegative(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new XborderError('USAGE', `${name} must be a non-negative integer`);
  return Number(value);
}

/** A command-line duration in seconds, decimals allowed (0.5), at least `min`. */
export function seconds(value: string, name: string, min: number): number {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) < min)
    throw new XborderError('USAGE', `${name} must be a number of seconds, at least ${String(min)}`);
  return Number(value);
}
