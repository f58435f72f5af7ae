/**
 * Payment agents resolved to registered institutions. A pacs.008 names each agent by BIC
 * (`FinInstnId/BICFI`), by clearing system membership (`FinInstnId/ClrSysMmbId`: system code and
 * member id; Hong Kong FPS and CHATS messages often carry only this), or both. The registry holds each
 * institution's BICs and memberships, each registered to one institution, so an agent resolves to at
 * most one institution; an agent whose BIC and membership name two different institutions is refused.
 */
import { ChaincodeError } from './errors';
import type { Agent } from './payment';
import type { ClearingMembership } from './records';

/** The BIC as the registry keys it: 11 characters (an 8-character BIC is its primary office, XXX). */
export function normalBic(bic: string): string {
  return bic.length === 8 ? `${bic}XXX` : bic;
}

/** How a resolver looks institutions up (the chaincode reads its indexes; the SDK a registry listing). */
export interface AgentDirectory {
  byBic(bic: string): Promise<string | undefined>;
  /** The institutions holding this member id; with a system, at most one. */
  byMembership(memberId: string, system: string | null): Promise<string[]>;
}

/**
 * The institution an agent names, or undefined when neither its BIC nor its membership is registered.
 * @throws ChaincodeError PAYMENT_INVALID when the BIC and the membership name different institutions,
 *   or a member id without its system matches members of several systems
 */
export async function resolveAgent(agent: Agent, directory: AgentDirectory, what: string): Promise<string | undefined> {
  const byBic = agent.bic !== null ? await directory.byBic(normalBic(agent.bic)) : undefined;
  let byMember: string | undefined;
  if (agent.clearingMemberId !== null) {
    const found = [...new Set(await directory.byMembership(agent.clearingMemberId, agent.clearingSystem))];
    if (found.length > 1)
      throw new ChaincodeError(
        'PAYMENT_INVALID',
        `${what}: member id ${agent.clearingMemberId} without its clearing system matches ${String(found.length)} institutions; give ClrSysId`,
      );
    byMember = found[0];
  }
  if (byBic !== undefined && byMember !== undefined && byBic !== byMember)
    throw new ChaincodeError(
      'PAYMENT_INVALID',
      `${what}: BIC ${String(agent.bic)} is ${byBic} but clearing member ${String(agent.clearingMemberId)} is ${byMember}`,
    );
  return byBic ?? byMember;
}

/** A directory over a list of institutions (client side). */
export function directoryOf(
  institutions: readonly { id: string; bics: readonly string[]; memberships: readonly ClearingMembership[] }[],
): AgentDirectory {
  return {
    byBic: (bic) => Promise.resolve(institutions.find((i) => i.bics.includes(bic))?.id),
    byMembership: (memberId, system) =>
      Promise.resolve(
        institutions
          .filter((i) => i.memberships.some((m) => m.memberId === memberId && (system === null || m.system === system)))
          .map((i) => i.id),
      ),
  };
}
