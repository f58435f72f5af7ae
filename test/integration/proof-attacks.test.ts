/**
 * Attacks on proofs, chains and checkpoints, performed on the real network: each must fail at a named
 * check (or be refused by the chaincode) and write nothing.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { expect } from 'chai';

import type { XborderClient } from '@xborder/sdk';
import { checkProof, parseTrustAnchor, verifyBlocks } from '@xborder/sdk/audit';
import type { Anchor, Checkpoint, Proof } from '@xborder/sdk/audit';
import { canonicalize, sealContent } from '@xborder/protocol';
import { resolveConfig, updateChannelConfig } from '@xborder/network';

import { block64, b64, replaceRoots, resignBlock, setFlag } from '../support/block-surgery';
import { clientPool, codeOf } from '../support/clients';
import { forge } from '../support/forged-certs';
import { testNetwork } from '../support/network-hooks';
import { until } from '../support/until';
import { REPO_ROOT } from '../support/paths';

const repo = REPO_ROOT;
const CLI = path.join(repo, 'cli', 'dist', 'main.js');

function indicator(pattern: string, id = `indicator--${randomUUID()}`): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id,
    created: '2026-11-30T00:00:00Z',
    modified: '2026-11-30T00:00:00Z',
    pattern: `[url:value = '${pattern}']`,
    pattern_type: 'stix',
    valid_from: '2026-11-30T00:00:00Z',
  };
}

async function cosign(as: (id: string) => XborderClient): Promise<number> {
  const admin = as('hk-admin');
  const hk = await admin.audit.recordCheckpoint(await admin.audit.height());
  const th = await as('th-admin').audit.recordCheckpoint(hk.height);
  expect(th.height).to.equal(hk.height);
  return th.height;
}

describe('attacks on proofs, chains and checkpoints (real network)', () => {
  const { as, closeAll } = clientPool();
  let anchor: Anchor;
  const children: ChildProcess[] = [];
  before(() => {
    const config = resolveConfig(testNetwork);
    anchor = { anchor: parseTrustAnchor(fs.readFileSync(path.join(config.home, 'channel', 'anchor.json'), 'utf8')) };
  });
  after(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    closeAll();
  });

  it('two conflicting versions both endorsed: the invalidated one with its flag set to VALID never holds', async function () {
    this.timeout(120_000);
    const bank = as('hk-bank-a');
    const id = `indicator--${randomUUID()}`;
    const contract = bank.gateway.getNetwork(bank.profile.channel).getContract('xborder', 'intel');
    const endorsed = [];
    for (const pattern of ['https://first.example/a', 'https://second.example/b']) {
      const signed = bank.intel.sign(indicator(pattern, id));
      const proposal = contract.newProposal('SubmitIntel', {
        arguments: [signed.statementJson, signed.signature],
        transientData: { content: sealContent(signed.prepared.salt, signed.prepared.canonical) },
      });
      endorsed.push(await proposal.endorse()); // both endorsed against the same (empty) state
    }
    const submitted = await Promise.all(endorsed.map((t) => t.submit()));
    const statuses = await Promise.all(submitted.map((s) => s.getStatus()));
    expect(statuses.map((s) => s.code).sort()).to.deep.equal([0, 11]); // VALID, MVCC_READ_CONFLICT
    const valid = statuses.find((s) => s.code === 0)!;
    const invalid = statuses.find((s) => s.code === 11)!;
    const auditor = as('audit-1').audit;

    // before any co-signed checkpoint covers them: the valid one is "not yet co-signed", never "holds"
    const validProof = await auditor.proof(`tx:${valid.transactionId}`);
    expect((await checkProof(validProof, { anchor })).outcome).to.equal('not-cosigned');
    const invalidProof = await auditor.proof(`tx:${invalid.transactionId}`);
    const honest = await checkProof(invalidProof, { anchor });
    expect(honest.failed).to.equal('tx.flag');
    const forge1 = (p: Proof): Proof => {
      const block = block64(p.block);
      setFlag(block, p.txIndex, 0);
      return { ...p, block: b64(block.serializeBinary()) };
    };
    const early = await checkProof(forge1(invalidProof), { anchor });
    expect(early.outcome, 'the forged flag is only the serving peer’s word').to.equal('not-cosigned');
    expect(early.ok).to.equal(false);

    await cosign(as);
    const covered = await auditor.proof(`tx:${valid.transactionId}`);
    expect((await checkProof(covered, { anchor })).outcome).to.equal('holds');
    const forged = forge1(await auditor.proof(`tx:${invalid.transactionId}`));
    expect(forged.checkpoint, 'the forged proof carries the co-signed checkpoint').to.not.equal(undefined);
    const report = await checkProof(forged, { anchor });
    expect(report.failed).to.equal('checkpoint.validity');
    expect(report.outcome).to.equal('failed');
    // the CLI says the same, with its exit codes
    const file = path.join(testNetwork.home!, 'forged-proof.json');
    fs.writeFileSync(file, JSON.stringify(forged));
    const anchorFile = path.join(resolveConfig(testNetwork).home, 'channel', 'anchor.json');
    const cli = await runCli(['audit', 'check-proof', file, '--anchor', anchorFile]);
    expect(cli.code).to.equal(1);
    expect(cli.stdout).to.match(/proof FAILED at checkpoint\.validity/);
    fs.rmSync(file);
  });

  it('verify-chain refuses a block re-signed with a self-made orderer certificate, and is unanchored without an anchor', async () => {
    const auditor = as('audit-1').audit;
    const height = await auditor.height();
    const target = height - 1;
    const attackerCa = await forge('ca.orderer.attacker', { ca: true });
    const attacker = await forge('orderer0.attacker', { ou: 'orderer', issuer: attackerCa });
    const source = async (n: number): Promise<Uint8Array> => {
      const bytes = await auditor.blockByNumber(n);
      if (n !== target) return bytes;
      const block = block64(b64(bytes));
      resignBlock(block, attacker);
      return block.serializeBinary();
    };
    const report = await verifyBlocks(source, 0, target, { anchor });
    expect(report.outcome).to.equal('broken');
    expect(report.firstBreak?.block).to.equal(target);
    expect(report.firstBreak?.reason).to.match(/does not chain to the OrdererMSP roots/);
    const genuine = await verifyBlocks((n) => auditor.blockByNumber(n), 0, target, { anchor });
    expect(genuine.outcome).to.equal('verified');
    expect((await verifyBlocks((n) => auditor.blockByNumber(n), 0, target)).outcome).to.equal('unanchored');
  });

  it('refuses checkpoints from non-admins, above the ledger height or with a hash the peers do not have, writing nothing', async () => {
    const admin = as('hk-admin');
    const member = as('hk-bank-a');
    expect(await codeOf(member.audit.recordCheckpoint())).to.equal('ACCESS_DENIED');
    const before = (await as('audit-1').audit.checkpoints()).length;
    const raw = async (client: XborderClient, statement: Record<string, unknown>): Promise<string> => {
      const text = canonicalize(statement);
      const signature = sign('sha256', Buffer.from(text), client.signingKey).toString('base64');
      // an endorser that has not seen the block yet reads it first and refuses meanwhile (UNVERIFIED)
      return until('an endorser verdict', async () => {
        const code = await codeOf(client.transactor.submit('checkpoint', 'RecordCheckpoint', { args: [text, signature] }));
        return code === 'CHECKPOINT_UNVERIFIED' ? undefined : code;
      });
    };
    const height = await admin.audit.height();
    const base = { purpose: 'xborder/checkpoint/v2', channel: admin.profile.channel, validity: 'a'.repeat(64), mspId: 'HKMSP' };
    expect(await raw(admin, { ...base, height: 1e12, blockHash: 'b'.repeat(64) })).to.equal('CHECKPOINT_AHEAD');
    expect(await raw(admin, { ...base, height: height + 1000, blockHash: 'b'.repeat(64) })).to.equal('CHECKPOINT_AHEAD');
    expect(await raw(admin, { ...base, height: 1, blockHash: 'b'.repeat(64) })).to.equal('CHECKPOINT_MISMATCH');
    expect(await raw(admin, { ...base, height: height - 1, blockHash: 'b'.repeat(64) })).to.equal('CHECKPOINT_MISMATCH');
    expect(await raw(member, { ...base, height: 1, blockHash: 'b'.repeat(64) })).to.equal('ACCESS_DENIED');
    expect((await as('audit-1').audit.checkpoints()).length).to.equal(before);

    // the checker refuses a checkpoint signed by a member (its certificate chains to HKMSP, role submitter)
    const proof = await as('audit-1').audit.proof(
      `tx:${(await as('th-bank-a').intel.submit(indicator('https://cp.example/x'))).transactionId}`,
    );
    await cosign(as);
    const withCp = await as('audit-1').audit.proof(`tx:${proof.txId}`);
    const cp = withCp.checkpoint!;
    const memberKey = createPrivateKey(
      fs.readFileSync(path.join(testNetwork.home!, 'identities', 'hk-bank-a', 'msp', 'keystore', 'priv_sk')),
    );
    const memberCert = fs.readFileSync(path.join(testNetwork.home!, 'identities', 'hk-bank-a', 'msp', 'signcerts', 'cert.pem'), 'utf8');
    const bySubmitter: Checkpoint[] = cp.signatures.map((c) =>
      c.mspId === 'HKMSP'
        ? { ...c, certificate: memberCert, signature: sign('sha256', Buffer.from(c.statement), memberKey).toString('base64') }
        : c,
    );
    const report = await checkProof({ ...withCp, checkpoint: { ...cp, signatures: bySubmitter } }, { anchor });
    expect(report.failed).to.equal('checkpoint.signatures');
    expect(report.checks.find((c) => c.name === 'checkpoint.signatures')?.detail).to.match(/not a HKMSP admin/);
  });

  it('follows a configuration change signed by both operators; a forged change re-signed by the orderer fails config.update-authorised', async function () {
    this.timeout(180_000);
    const config = resolveConfig(testNetwork);
    const auditor = as('audit-1').audit;
    const heightBefore = await auditor.height();
    await updateChannelConfig(config, (c) => {
      const app = (c.channel_group.groups as Record<string, { values: Record<string, unknown> }>).Application!;
      app.values.ACLs = { mod_policy: 'Admins', value: { acls: { 'event/Block': { policy_ref: '/Channel/Application/Readers' } } } };
      return c;
    });
    const chain = await until('the configuration block', async () => {
      const h = await auditor.height();
      const c = await auditor.configChain(h - 1);
      return c.length > 1 && h > heightBefore ? c : undefined;
    });
    const submission = await as('th-bank-b').intel.submit(indicator('https://after-config.example/x'));
    await cosign(as);
    const proof = await auditor.proof(`tx:${submission.transactionId}`);
    expect(proof.configBlocks).to.have.length(chain.length);
    const report = await checkProof(proof, { anchor });
    expect(report.outcome, JSON.stringify(report.checks.filter((c) => !c.ok))).to.equal('holds');
    expect(report.checks.find((c) => c.name === 'config.update-authorised')?.detail).to.match(/both operators/);

    // an orderer that adds a root of its own to the new configuration and signs the block itself
    const ordererDir = path.join(config.home, 'orgs', 'orderer', 'orderers', 'orderer0', 'msp');
    const orderer = {
      certPem: fs.readFileSync(path.join(ordererDir, 'signcerts', fs.readdirSync(path.join(ordererDir, 'signcerts'))[0]!), 'utf8'),
      key: createPrivateKey(fs.readFileSync(path.join(ordererDir, 'keystore', 'priv_sk'))),
    };
    const extra = await forge('ca.hk.extra', { ca: true });
    const last = block64(proof.configBlocks[proof.configBlocks.length - 1]!);
    replaceRoots(last, 'HKMSP', (roots) => [...roots, extra.certPem]);
    resignBlock(last, orderer);
    const forged = { ...proof, configBlocks: [...proof.configBlocks.slice(0, -1), b64(last.serializeBinary())] };
    const bad = await checkProof(forged, { anchor });
    expect(bad.failed).to.equal('config.update-authorised');
    expect(bad.checks.find((c) => c.name === 'config.update-authorised')?.detail).to.match(/changes the roots of HKMSP/);
    // and the configuration in force must be the one the record's block names
    expect((await checkProof({ ...proof, configBlocks: proof.configBlocks.slice(0, 1) }, { anchor })).failed).to.equal('config.in-force');
  });

  it('checkpoints continuously (--follow): a new record is covered by a co-signed checkpoint without anyone asking', async function () {
    this.timeout(120_000);
    for (const admin of ['hk-admin', 'th-admin']) {
      const child = spawn(process.execPath, [CLI, 'audit', 'checkpoint', '--follow', '--interval', '0.5', '--json', '--as', admin], {
        env: { ...process.env, XB_HOME: testNetwork.home },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
    }
    const submission = await as('th-bank-a').intel.submit(indicator('https://follow.example/x'));
    const auditor = as('audit-1').audit;
    const started = Date.now();
    const proof = await until('a co-signed checkpoint', async () => {
      const p = await auditor.proof(`tx:${submission.transactionId}`);
      return p.checkpoint ? p : undefined;
    });
    expect(Date.now() - started).to.be.below(60_000);
    expect((await checkProof(proof, { anchor })).outcome).to.equal('holds');
    const exits = children.map((c) => new Promise<number | null>((resolve) => c.on('exit', (code) => resolve(code))));
    for (const child of children) child.kill('SIGTERM');
    expect(await Promise.all(exits)).to.deep.equal([0, 0]);
  });
});

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, XB_HOME: testNetwork.home } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
