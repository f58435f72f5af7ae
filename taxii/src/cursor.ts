/**
 * `next` as a stateless, signed cursor: it carries the whole query (collection, filters) and where the
 * ledger listing resumes, under an HMAC with a key kept in the server's state folder, so it survives
 * restarts and needs no session table. A follow-up request is answered from the cursor alone: filters a
 * client drops or repeats on follow-ups (OpenCTI sends only `next`, its feeds add `added_after`) change
 * nothing. A cursor altered by a byte, or made for another collection or endpoint, is refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { badRequest } from './errors';

/** The filters of an objects or manifest query (match lists are as the client gave them). */
export interface ObjectQuery {
  readonly addedAfter?: string;
  readonly ids?: readonly string[];
  readonly types?: readonly string[];
  readonly versions?: readonly string[];
  readonly specVersions?: readonly string[];
}

export interface CursorState {
  /** Which endpoint and collection the cursor pages (`objects:<collection id>`, `versions:<id>:<object id>`). */
  readonly scope: string;
  readonly query: ObjectQuery;
  /** Ledger bookmark, or an offset into a bounded list. */
  readonly position: string;
}

export class CursorSigner {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('cursor key must be at least 32 bytes');
    this.#key = key;
  }

  /** The key in `<stateDir>/cursor.key` (created on first use, owner-only), so cursors outlive restarts. */
  static fromStateDir(stateDir: string): CursorSigner {
    const file = path.join(stateDir, 'cursor.key');
    if (!fs.existsSync(file)) {
      fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    }
    return new CursorSigner(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex'));
  }

  #mac(payload: string): Buffer {
    return createHmac('sha256', this.#key).update(`xborder/taxii-cursor/v1\u0000${payload}`).digest();
  }

  sign(state: CursorState): string {
    const payload = Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
    return `${payload}.${this.#mac(payload).toString('base64url')}`;
  }

  /** The state of a cursor issued for `scope`; a 400 TAXII error for anything else. */
  open(cursor: string, scope: string): CursorState {
    const [payload, mac, ...rest] = cursor.split('.');
    if (payload === undefined || mac === undefined || rest.length > 0 || cursor.length > 8192 || !/^[A-Za-z0-9_-]+$/.test(payload + mac))
      throw badRequest('next is not a cursor this server issued', 'CURSOR_INVALID');
    const given = Buffer.from(mac, 'base64url');
    const expected = this.#mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw badRequest('next is not a cursor this server issued', 'CURSOR_INVALID');
    const state = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as CursorState;
    if (state.scope !== scope) throw badRequest('next belongs to another collection or endpoint', 'CURSOR_SCOPE');
    return state;
  }
}
