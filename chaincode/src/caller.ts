import type { Context } from 'fabric-contract-api';

import { ChaincodeError, isOperatorMsp } from '@xborder/protocol';

export type Role = 'submitter' | 'auditor' | 'admin';

/** Who is calling, from the certificate the transaction was signed with (ABAC attributes). */
export interface Caller {
  readonly mspId: string;
  readonly role: Role | undefined;
  readonly institution: string | undefined;
}

const ROLES: readonly string[] = ['submitter', 'auditor', 'admin'];

export function caller(ctx: Context): Caller {
  const role = ctx.clientIdentity.getAttributeValue('xborder.role');
  const institution = ctx.clientIdentity.getAttributeValue('xborder.institution');
  return {
    mspId: ctx.clientIdentity.getMSPID(),
    role: role !== null && ROLES.includes(role) ? (role as Role) : undefined,
    institution: institution ?? undefined,
  };
}

/** Requires one of the roles (and, for writers, an operator org); returns the caller. */
export function requireRole(ctx: Context, roles: readonly Role[], operatorsOnly: boolean): Caller {
  const who = caller(ctx);
  if (who.role === undefined || !roles.includes(who.role)) {
    throw new ChaincodeError('ACCESS_DENIED', `role ${who.role ?? '(none)'} of ${who.mspId} may not do this; needs ${roles.join(' or ')}`);
  }
  if (operatorsOnly && !isOperatorMsp(who.mspId)) {
    throw new ChaincodeError('ACCESS_DENIED', `${who.mspId} identities may not write`);
  }
  return who;
}
