/**
 * A client that back-dates (or post-dates) its proposal to move a record's time, a key's validity
 * window, a listing or a reconciliation day: every endorser refuses it and nothing is written.
 */
import { randomUUID } from 'node:crypto';

import { common, gateway as gw, peer } from '@hyperledger/fabric-protos';
import { EndorseError } from '@hyperledger/fabric-gateway';
import { expect } from 'chai';

import { signLowS } from '@xborder/sdk/signing';

import { clientPool, codeOf } from '../support/clients';
import { sealContent } from '@xborder/protocol';

/** The same signed proposal as `bytes` (a ProposedTransaction), with its timestamp moved by `shiftMs`. */
function shifted(bytes: Uint8Array, shiftMs: number): Uint8Array {
  const proposed = gw.ProposedTransaction.deserializeBinary(bytes);
  const signed = proposed.getProposal()!;
  const proposal = peer.Proposal.deserializeBinary(signed.getProposalBytes_asU8());
  const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const ts = channelHeader.getTimestamp()!;
  const ms = ts.getSeconds() * 1000 + Math.floor(ts.getNanos() / 1e6) + shiftMs;
  ts.setSeconds(Math.floor(ms / 1000));
  ts.setNanos((ms % 1000) * 1e6);
  channelHeader.setTimestamp(ts);
  header.setChannelHeader(channelHeader.serializeBinary());
  proposal.setHeader(header.serializeBinary());
  signed.setProposalBytes(proposal.serializeBinary());
  proposed.setProposal(signed);
  return proposed.serializeBinary();
}

describe('client-chosen time on the real network', () => {
  const { as, closeAll } = clientPool();
  after(() => {
    closeAll();
  });

  // the peer itself refuses beyond peer.authentication.timewindow (15 minutes by default); the
  // chaincode's own bound (5 minutes) refuses what lies between
  for (const [label, shiftMs, refusal] of [
    ['back-dated by 10 minutes', -600_000, /TX_TIME_SKEWED: the proposal's timestamp .* -600 s from this endorser's clock/],
    ['post-dated by 10 minutes', 600_000, /TX_TIME_SKEWED: the proposal's timestamp/],
    ['back-dated by a day', -86_400_000, /incorrect timestamp/],
  ] as const) {
    it(`refuses an intel record whose proposal is ${label}, writing nothing`, async () => {
      const bank = as('hk-bank-a');
      const object = {
        type: 'indicator',
        spec_version: '2.1',
        id: `indicator--${randomUUID()}`,
        created: '2026-11-30T00:00:00Z',
        modified: '2026-11-30T00:00:00Z',
        pattern: "[url:value = 'https://back-dated.example/']",
        pattern_type: 'stix',
        valid_from: '2026-11-30T00:00:00Z',
      };
      const signed = bank.intel.sign(object);
      const contract = bank.gateway.getNetwork(bank.profile.channel).getContract('xborder', 'intel');
      const unsigned = contract.newProposal('SubmitIntel', {
        arguments: [signed.statementJson, signed.signature],
        transientData: { content: sealContent(signed.prepared.salt, signed.prepared.canonical) },
      });
      const bytes = shifted(unsigned.getBytes(), shiftMs);
      const proposalBytes = gw.ProposedTransaction.deserializeBinary(bytes).getProposal()!.getProposalBytes_asU8();
      const proposal = bank.gateway.newSignedProposal(bytes, signLowS(bank.signingKey, proposalBytes));
      let message = '';
      try {
        await proposal.endorse();
      } catch (err) {
        expect(err).to.be.instanceOf(EndorseError);
        message = [(err as EndorseError).message, ...(err as EndorseError).details.map((d) => d.message)].join(' ');
      }
      expect(message).to.match(refusal);
      expect(await codeOf(as('audit-1').intel.get(object.id))).to.equal('INTEL_NOT_FOUND');
      // the same object with an honest timestamp is accepted
      expect((await bank.intel.submitSigned(signed)).created).to.equal(true);
    });
  }
});
