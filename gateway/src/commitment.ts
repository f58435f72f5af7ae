import * as fs from 'node:fs';
import * as path from 'node:path';

import { XborderError } from './errors';
import { defaultHome } from './profile';

/**
 * The key both operators use for payer/payee commitments (HMAC-SHA256). It never goes on the ledger.
 * Looked up in `XB_COMMITMENT_KEY_FILE`, else `<network home>/operators/commitment.key` (hex).
 */
export function loadCommitmentKey(
  file = process.env.XB_COMMITMENT_KEY_FILE ?? path.join(defaultHome(), 'operators', 'commitment.key'),
): Buffer {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch {
    throw new XborderError('CONFIG', `no commitment key at ${file} (set XB_COMMITMENT_KEY_FILE, or bring the network up to create one)`);
  }
  if (!/^[0-9a-f]{64}$/.test(text)) throw new XborderError('CONFIG', `${file} must hold 32 bytes as 64 hex digits`);
  return Buffer.from(text, 'hex');
}
