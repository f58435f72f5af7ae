/**
 * What belongs to each operator's side of the corridor, so that neither operator can register (and
 * so hold and manage) an institution of the other side: the prefix of its institution ids, the
 * country of its BICs (ISO 9362 positions 5-6) and its clearing systems.
 */
import type { OperatorMsp } from './constants';

export interface OperatorSide {
  readonly country: string;
  readonly idPrefix: string;
  /** Clearing system codes (ISO ExternalClearingSystemIdentification1Code or proprietary) of this side. */
  readonly clearingSystems: readonly string[];
}

export const OPERATOR_SIDES: Readonly<Record<OperatorMsp, OperatorSide>> = {
  HKMSP: { country: 'HK', idPrefix: 'hk-', clearingSystems: ['HKNCC', 'HKICL', 'FPS', 'HKFPS'] },
  THMSP: { country: 'TH', idPrefix: 'th-', clearingSystems: ['THCBC', 'BAHTNET', 'PROMPTPAY', 'ITMX'] },
};

/**
 * Why an institution with these details may not be registered or held by operator `mspId` (it names
 * the other side's id prefix, a BIC of the other side's country or a membership of its clearing
 * systems), or null.
 */
export function otherSideProblem(
  mspId: OperatorMsp,
  institution: { readonly id?: string; readonly bics: readonly string[]; readonly memberships: readonly { readonly system: string }[] },
): string | null {
  const [otherMsp, other] = (Object.entries(OPERATOR_SIDES) as [OperatorMsp, OperatorSide][]).find(([m]) => m !== mspId) ?? [];
  if (!other || !otherMsp) return null;
  if (institution.id?.startsWith(other.idPrefix))
    return `institution ids starting ${other.idPrefix} are ${otherMsp}'s; ${mspId} registers ${OPERATOR_SIDES[mspId].idPrefix}... ids`;
  const bic = institution.bics.find((b) => b.slice(4, 6).toUpperCase() === other.country);
  if (bic !== undefined) return `BIC ${bic} is of ${other.country}, ${otherMsp}'s side`;
  const membership = institution.memberships.find((m) => other.clearingSystems.includes(m.system.toUpperCase()));
  if (membership !== undefined) return `clearing system ${membership.system} is ${otherMsp}'s side`;
  return null;
}
