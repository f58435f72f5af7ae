/**
 * Whole blocks from the peers' deliver service are closed to every identity. Fabric's `Deliver` and
 * `DeliverWithPrivateData` share one channel ACL (`event/Block`), and the second hands out, beside each
 * block, the private writes of every collection the caller's organisation may see; for an implicit
 * org collection (no `memberOnlyRead`) that is anyone who passes the ACL, for `hkThShared` every
 * member of either operator. Neither asks the chaincode, whose read rules are per institution. So the
 * ACL points at a policy one signature can never meet (the admins of every organisation at once):
 * a deliver request carries one. Clients keep filtered blocks (`event/FilteredBlock`), chaincode events
 * and commit status, which carry no content; auditors read blocks without private data through qscc.
 */
import type { NetworkConfig } from './config';
import { localPeerOrgs } from './config';
import type { ChannelConfigJson } from './config-update';
import { latestConfig, updateChannelConfig } from './config-update';
import { channelHeight } from './nodes';
import { NetworkError } from './processes';

type Logger = (line: string) => void;

/** The Application policy `event/Block` points at. */
export const BLOCK_DELIVERY_POLICY = 'BlockDelivery';
/** The channel ACL resource of `Deliver` and `DeliverWithPrivateData` on the peers. */
export const WHOLE_BLOCK_ACL = 'event/Block';
const POLICY_REF = `/Channel/Application/${BLOCK_DELIVERY_POLICY}`;

/** The policy and ACL as configtx.yaml writes them (Application section). */
export const BLOCK_DELIVERY_CONFIGTX = {
  policy: { Type: 'ImplicitMeta', Rule: 'ALL Admins' },
  acls: { [WHOLE_BLOCK_ACL]: POLICY_REF },
} as const;

type ApplicationGroup = {
  policies: Record<string, unknown>;
  values: Record<string, { mod_policy?: string; value: { acls?: Record<string, { policy_ref: string }> }; version?: string }>;
};

function application(config: ChannelConfigJson): ApplicationGroup {
  const group = (config.channel_group as { groups?: { Application?: ApplicationGroup } }).groups?.Application;
  if (!group) throw new NetworkError('the channel configuration has no Application group');
  return group;
}

/** Whether a channel configuration closes whole-block deliver as above. */
export function wholeBlocksClosed(config: ChannelConfigJson): boolean {
  const app = application(config);
  const policy = app.policies[BLOCK_DELIVERY_POLICY] as
    { policy?: { type?: number; value?: { rule?: string; sub_policy?: string } } } | undefined;
  return (
    app.values.ACLs?.value.acls?.[WHOLE_BLOCK_ACL]?.policy_ref === POLICY_REF &&
    policy?.policy?.type === 3 &&
    policy.policy.value?.rule === 'ALL' &&
    policy.policy.value.sub_policy === 'Admins'
  );
}

/** The configuration with the policy and the ACL added (as configtxlator prints them). */
export function withWholeBlocksClosed(current: ChannelConfigJson): ChannelConfigJson {
  const next = JSON.parse(JSON.stringify(current)) as ChannelConfigJson;
  const app = application(next);
  app.policies[BLOCK_DELIVERY_POLICY] = { mod_policy: 'Admins', policy: { type: 3, value: { rule: 'ALL', sub_policy: 'Admins' } } };
  const acls = app.values.ACLs ?? { mod_policy: 'Admins', value: {} };
  acls.value.acls = { ...acls.value.acls, [WHOLE_BLOCK_ACL]: { policy_ref: POLICY_REF } };
  app.values.ACLs = acls;
  return next;
}

/**
 * Closes whole-block deliver on a channel created before it was closed at creation (both operators'
 * admins sign, as every Application change), and waits until this folder's peers enforce it.
 */
export async function closeWholeBlockDelivery(
  config: NetworkConfig,
  log: Logger,
  timeoutMs = 60_000,
): Promise<'closed' | 'already closed'> {
  if (wholeBlocksClosed((await latestConfig(config)).config)) return 'already closed';
  log(`closing whole-block deliver (${WHOLE_BLOCK_ACL} -> ${POLICY_REF}) on ${config.channel}`);
  await updateChannelConfig(config, withWholeBlocksClosed);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await latestConfig(config);
    if (wholeBlocksClosed(now.config)) {
      const heights = await Promise.all(localPeerOrgs(config).map((org) => channelHeight(config, org)));
      if (heights.every((h) => h > now.blockNumber)) return 'closed';
    }
    if (Date.now() > deadline)
      throw new NetworkError(`the peers did not take the closed ${WHOLE_BLOCK_ACL} ACL within ${String(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
