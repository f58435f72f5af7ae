/** STIX objects the integration tests submit: fresh ids each call, so reruns never collide. */
import { randomUUID } from 'node:crypto';

export const GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
export const AMBER = 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421';
export const AMBER_STRICT = 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003';

/** An indicator with a new id and URL, created now, at the TLP of `marking`. */
export function freshIndicator(marking: string, name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: now,
    modified: now,
    name,
    pattern: `[url:value = 'https://${randomUUID()}.example/']`,
    pattern_type: 'stix',
    valid_from: now,
    object_marking_refs: [marking],
    ...overrides,
  };
}
