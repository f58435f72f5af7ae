/**
 * Two operators (and the auditors) on hosts of their own: one Linux network namespace per
 * organisation, linked by a bridge, each organisation's processes started inside its namespace from
 * its own folder by `xbnet`. They exchange only public definitions and the proposed block, form the
 * channel by propose/review/accept, deploy the chaincode by each side, and run the intel and payment
 * flows through clients on their own hosts. The attacks: a proposal that misstates an operator, a
 * block that is not the compared one, a configuration change signed by one operator, a private key
 * found in the wrong folder; and a host taken off the network.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';

import { Hosts, available } from '@xborder/bench/internal/netns';
import { EXAMPLES, REPO_ROOT } from '../support/paths';
import type { ProbeResult } from '../support/deliver-probe';
import { AMBER_STRICT, freshIndicator, GREEN } from '../support/stix-objects';
import { deploymentCommands } from '../support/deployment-doc';
import { listIdentities } from '@xborder/sdk';

const XBNET = path.join(REPO_ROOT, 'network', 'dist', 'cli.js');
const XBORDER = path.join(REPO_ROOT, 'cli', 'dist', 'main.js');
const DELIVER_PROBE = path.join(REPO_ROOT, 'test', 'dist', 'test', 'support', 'deliver-probe.js');
const SITES = ['hk', 'th', 'audit'] as const;
type Site = (typeof SITES)[number];

/** The caller's environment without xborder settings: every command gets its folder by flag. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('XB_')));
}

/** Every PEM private key under a folder, as the hex of its public key (SPKI DER). */
function privateKeysIn(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = path.join(dir, entry);
    if (!fs.statSync(file).isFile() || fs.statSync(file).size > 1_000_000) continue;
    // keys inside JSON (a chaincode package's connection.json) carry their line breaks escaped
    const text = fs.readFileSync(file, 'utf8').replace(/\\n/g, '\n');
    for (const pem of text.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----/g) ?? []) {
      found.set(publicOf(pem).export({ type: 'spki', format: 'der' }).toString('hex'), entry);
    }
  }
  return found;
}

/** The public key of a PEM private key; Fabric CA labels its SEC1 revocation key plain PRIVATE KEY. */
function publicOf(pem: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch {
    return createPublicKey(pem.replace(/(BEGIN|END) PRIVATE KEY/g, '$1 EC PRIVATE KEY'));
  }
}

describe('two operators on two hosts (network namespaces)', function () {
  this.timeout(300_000);
  const hosts = new Hosts();
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-two-hosts-'));
  const home = (site: Site): string => path.join(base, site);
  /** What each organisation receives from the others: copied files, never a shared folder. */
  const inbox = (site: Site): string => path.join(base, `${site}-inbox`);
  const address = (site: Site): string => hosts.hosts.get(site)?.address ?? '';
  const hostName = (site: Site): string => hosts.hosts.get(site)?.hostName ?? '';
  /** Every xbnet command line run, to hold against DEPLOYMENT.md's. */
  const ran: string[][] = [];
  const xbnet = (site: Site, ...args: string[]) => {
    ran.push([...args, '--home', home(site)]);
    return hosts.exec(site, process.execPath, [XBNET, ...args, '--home', home(site)], cleanEnv());
  };
  const xborder = (site: Site, as: string, ...args: string[]) =>
    hosts.exec(site, process.execPath, [XBORDER, '--home', home(site), '--as', as, ...args], cleanEnv());
  const send = (file: string, to: Site): string => {
    fs.mkdirSync(inbox(to), { recursive: true });
    const target = path.join(inbox(to), path.basename(file));
    fs.copyFileSync(file, target);
    return target;
  };
  const ok = (r: { code: number; stdout: string; stderr: string }, what: string): string => {
    expect(r.code, `${what}\n${r.stdout}\n${r.stderr}`).to.equal(0);
    return r.stdout;
  };
  let blockSha = '';
  // a second build of the chaincode for the upgrade, inside the repository so it finds its dependencies
  const upgradeBuild = path.join(REPO_ROOT, `.xborder-upgrade-${String(process.pid)}`);

  before(function () {
    const can = available();
    if (!can.ok) {
      process.stdout.write(`      skipped: ${can.why}\n`);
      this.skip();
    }
    for (const site of SITES) hosts.add(site);
  });

  after(async function () {
    this.timeout(120_000);
    for (const site of SITES) {
      if (fs.existsSync(path.join(home(site), 'network.json'))) await xbnet(site, 'down');
    }
    hosts.remove();
    fs.rmSync(upgradeBuild, { recursive: true, force: true });
    // deleting a namespace removes its links a moment later: wait for it (bounded), then check
    const deadline = Date.now() + 10_000;
    while (hosts.leftovers().length > 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(hosts.leftovers(), 'namespaces and links left behind').to.deep.equal([]);
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('each organisation initialises on its own host and publishes only public material', async () => {
    const results = await Promise.all(
      SITES.map((s) =>
        xbnet(s, 'org-init', '--org', s, '--host', hostName(s), '--bind', address(s), ...(s === 'hk' ? ['--peers', '2'] : [])),
      ),
    );
    results.forEach((r, i) => ok(r, `org-init ${SITES[i] ?? ''}`));
    for (const site of SITES) {
      const definition = fs.readFileSync(path.join(home(site), 'export', `${site}.org.json`), 'utf8');
      expect(definition).not.to.match(/PRIVATE KEY/);
      for (const other of SITES.filter((s) => s !== site)) send(path.join(home(site), 'export', `${site}.org.json`), other);
    }
    for (const site of SITES) {
      for (const other of SITES.filter((s) => s !== site))
        ok(await xbnet(site, 'org-import', '--file', path.join(inbox(site), `${other}.org.json`)), 'import');
    }
  });

  it('refuses a proposal that misstates an operator, and a block that is not the one compared', async () => {
    // TH edits what it imported from HK so that HK's anchor peer points at a TH address, and proposes
    const imported = path.join(home('th'), 'orgs', 'hk', 'definition.json');
    const honest = fs.readFileSync(imported, 'utf8');
    const forged = JSON.parse(honest) as { peers: { host: string }[] };
    for (const p of forged.peers) p.host = hostName('th');
    fs.writeFileSync(imported, JSON.stringify(forged, null, 2));
    try {
      ok(await xbnet('th', 'channel-propose'), 'th proposes');
    } finally {
      fs.writeFileSync(imported, honest);
    }
    const proposal = send(path.join(home('th'), 'export', 'xborder.proposed.block'), 'hk');
    const review = await xbnet('hk', 'channel-review', '--block', proposal);
    expect(review.code).to.equal(1);
    expect(review.stdout).to.match(/objection: HKMSP's anchor peers in the block/);
    const sha = /SHA-256 ([0-9a-f]{64})/.exec(review.stdout)?.[1] ?? '';
    const accept = await xbnet('hk', 'channel-accept', '--block', proposal, '--sha256', sha);
    expect(accept.code).to.equal(1);
    expect(accept.stderr).to.match(/CHANNEL_REFUSED: .*anchor peers/);
    expect(fs.existsSync(path.join(home('hk'), 'channel', 'xborder.block')), 'nothing accepted').to.equal(false);

    // HK's honest proposal with one byte changed on its way to TH
    const honestProposal = await xbnet('hk', 'channel-propose');
    blockSha = /SHA-256 ([0-9a-f]{64})/.exec(ok(honestProposal, 'hk proposes'))?.[1] ?? '';
    const tampered = path.join(base, 'tampered.block');
    const bytes = fs.readFileSync(path.join(home('hk'), 'export', 'xborder.proposed.block'));
    bytes[bytes.length - 40] = (bytes[bytes.length - 40] ?? 0) ^ 0x01;
    fs.writeFileSync(tampered, bytes);
    const refused = await xbnet('th', 'channel-accept', '--block', tampered, '--sha256', blockSha);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.match(/CHANNEL_HASH_MISMATCH/);
    expect(fs.existsSync(path.join(home('th'), 'channel', 'xborder.block')), 'nothing accepted').to.equal(false);
  });

  it('forms the channel by agreement: each organisation reviews and accepts the same block and joins its own nodes', async () => {
    for (const site of ['th', 'audit'] as const) send(path.join(home('hk'), 'export', 'xborder.proposed.block'), site);
    const blockOf = (site: Site): string =>
      site === 'hk' ? path.join(home('hk'), 'export', 'xborder.proposed.block') : path.join(inbox(site), 'xborder.proposed.block');
    for (const site of SITES) {
      const review = ok(await xbnet(site, 'channel-review', '--block', blockOf(site)), `review ${site}`);
      expect(review).to.include(`SHA-256 ${blockSha}`);
      expect(review).to.match(/Application\/Admins: AND\(HKMSP\.admin, THMSP\.admin\)/);
      ok(await xbnet(site, 'channel-accept', '--block', blockOf(site), '--sha256', blockSha), `accept ${site}`);
    }
    const ups = await Promise.all(SITES.map((s) => xbnet(s, 'org-up')));
    ups.forEach((r, i) => ok(r, `org-up ${SITES[i] ?? ''}`));
  });

  it('deploys the chaincode by each operator on its own host; commit waits for both approvals', async () => {
    // the operators' shared commitment keys go from the proposer to the other operator over their secure channel
    fs.mkdirSync(path.join(home('th'), 'operators'), { recursive: true, mode: 0o700 });
    fs.copyFileSync(path.join(home('hk'), 'operators', 'party-keys.json'), path.join(home('th'), 'operators', 'party-keys.json'));
    ok(await xbnet('hk', 'chaincode-approve'), 'hk approves');
    const early = await xbnet('hk', 'chaincode-commit');
    expect(early.code).to.equal(1);
    expect(early.stderr).to.match(/not approved by THMSP yet/);
    ok(await xbnet('th', 'chaincode-approve'), 'th approves');
    expect(ok(await xbnet('th', 'chaincode-commit'), 'th commits')).to.match(/committed/);
    for (const site of ['hk', 'th'] as const) {
      ok(await xborder(site, `${site}-admin`, 'registry', 'seed', '--local-only', path.join(EXAMPLES, 'institutions.json')), 'seed');
    }
    // the next flows endorse at both operators: wait until both peers hold every registration
    const deadline = Date.now() + 60_000;
    const heights = async (): Promise<number[]> =>
      Promise.all(
        (['hk', 'th'] as const).map(async (s) => {
          const st = JSON.parse((await xbnet(s, 'status', '--json')).stdout) as { heights: Record<string, number> };
          return st.heights[`peer0.${s}`] ?? -1;
        }),
      );
    let h = await heights();
    while (h[0] !== h[1] && Date.now() < deadline) h = await heights();
    expect(h[0], 'both operators at one height after seeding').to.equal(h[1]);
  });

  it("leaves no private key of one organisation in another organisation's folder", () => {
    const keys = new Map(SITES.map((s) => [s, privateKeysIn(home(s))] as const));
    for (const site of SITES) {
      const mine = keys.get(site) ?? new Map<string, string>();
      // positive control: the scan finds the organisation's own keys (CA, nodes, identities)
      expect(mine.size, `${site} private keys found`).to.be.greaterThan(site === 'audit' ? 2 : 8);
      for (const other of SITES.filter((s) => s !== site)) {
        const shared = [...mine.keys()].filter((k) => keys.get(other)?.has(k));
        expect(
          shared.map((k) => mine.get(k)),
          `${site} keys also in ${other}'s folder`,
        ).to.deep.equal([]);
      }
      // and every key in the folder belongs to a certificate of the folder's own CA (or is that CA's key)
      const ca = new X509Certificate(fs.readFileSync(path.join(home(site), 'ca', site, 'server', 'ca-cert.pem')));
      const ownPublic = new Set([ca.publicKey.export({ type: 'spki', format: 'der' }).toString('hex')]);
      for (const entry of fs.readdirSync(home(site), { recursive: true, encoding: 'utf8' })) {
        if (!/\.(pem|crt)$/.test(entry)) continue;
        const text = fs.readFileSync(path.join(home(site), entry), 'utf8');
        if (!text.includes('BEGIN CERTIFICATE')) continue;
        const cert = new X509Certificate(text);
        if (cert.checkIssued(ca) && cert.verify(ca.publicKey))
          ownPublic.add(cert.publicKey.export({ type: 'spki', format: 'der' }).toString('hex'));
      }
      // the CA server's own keys (signing, Idemix revocation) sit in its keystore
      const caKeystore = path.join('ca', site, 'server', 'msp', 'keystore');
      const foreign = [...mine.entries()].filter(([k, file]) => !ownPublic.has(k) && !file.startsWith(caKeystore)).map(([, file]) => file);
      expect(foreign, `${site} keys without a certificate of its own CA`).to.deep.equal([]);
    }
  });

  it("shares intel and attests a payment through clients on each operator's host; the auditors read both", async () => {
    const indicator = freshIndicator(GREEN, 'two hosts');
    const file = path.join(base, 'indicator.json');
    fs.writeFileSync(file, JSON.stringify(indicator));
    ok(await xborder('hk', 'hk-bank-a', 'intel', 'submit', file), 'hk submits');
    const read = ok(await xborder('th', 'th-bank-a', 'intel', 'get', String(indicator.id), '--json'), 'th reads');
    expect(JSON.parse(read)).to.include({ stixId: indicator.id, producer: 'hk-bank-a', mspId: 'HKMSP' });
    ok(await xborder('audit', 'audit-1', 'intel', 'get', String(indicator.id)), 'auditor reads');

    const pay = path.join(EXAMPLES, 'payments');
    ok(await xborder('hk', 'hk-bank-a', 'payment', 'attest', path.join(pay, 'pacs008-hk-th.xml')), 'attest');
    const confirmed = ok(
      await xborder(
        'th',
        'th-bank-a',
        'payment',
        'confirm',
        path.join(pay, 'pacs002-th-status.xml'),
        '--pacs008',
        path.join(pay, 'pacs008-hk-th-receiver-copy.xml'),
        '--json',
      ),
      'confirm',
    );
    expect((JSON.parse(confirmed) as { transactions: { state: string }[] }).transactions.map((t) => t.state)).to.deep.equal([
      'CONFIRMED',
      'DISPUTED',
    ]);
  });

  it("gives no identity on any host private content or whole blocks through any peer's deliver service", async () => {
    // an AMBER+STRICT record of hk-bank-a: its content lives in HK's implicit collection
    const canary = `strict-canary-${String(process.pid)}-${String(Date.now())}`;
    const strict = freshIndicator(AMBER_STRICT, 'deliver canary', { pattern: `[url:value = 'https://${canary}.example/']` });
    const file = path.join(base, 'strict.json');
    fs.writeFileSync(file, JSON.stringify(strict));
    ok(await xborder('hk', 'hk-bank-a', 'intel', 'submit', file), 'hk submits strict');
    const content = ok(await xborder('hk', 'hk-bank-a', 'intel', 'content', String(strict.id), '--json'), 'producer reads its content');
    expect(content, 'positive control: the canary is in the content').to.include(canary);
    for (const site of SITES) {
      const identities = listIdentities(home(site));
      expect(identities.length, site).to.be.greaterThan(0);
      const run = ok(
        await hosts.exec(site, process.execPath, [DELIVER_PROBE, home(site), canary, ...identities], cleanEnv()),
        `${site} probe`,
      );
      const results = JSON.parse(run) as ProbeResult[];
      expect(new Set(results.map((r) => r.identity)), site).to.deep.equal(new Set(identities));
      for (const r of results) {
        const what = `${site}: ${r.identity} at ${r.peer} by ${r.door}`;
        expect(r.leaked, `${what} received the strict content`).to.equal(false);
        expect(r.refused, `${what} was not refused`).to.match(/status response: 403/);
      }
    }
  });

  /**
   * What an auditor does on its own host: both operators checkpoint the current height (each on its
   * host, TH co-signing exactly HK's height), then the auditor builds proofs, checks them offline
   * against the anchor HK published, and verifies the whole chain. Consenters here are HKMSP's and
   * THMSP's own BFT nodes.
   */
  async function auditorChecks(targets: readonly string[], label: string): Promise<void> {
    const signed = JSON.parse(ok(await xborder('hk', 'hk-admin', 'audit', 'checkpoint', '--json'), `${label}: hk checkpoints`)) as {
      height: number;
    };
    ok(await xborder('th', 'th-admin', 'audit', 'checkpoint', '--height', String(signed.height), '--json'), `${label}: th co-signs`);
    const anchor = send(path.join(home('hk'), 'channel', 'anchor.json'), 'audit');
    for (const target of targets) {
      const file = path.join(inbox('audit'), `${label}-${target.replace(/[^a-z0-9]+/gi, '-')}.proof.json`);
      ok(await xborder('audit', 'audit-1', 'audit', 'proof', target, '--output', file), `${label}: proof of ${target}`);
      const checked = await xborder('audit', 'audit-1', 'audit', 'check-proof', file, '--anchor', anchor, '--json');
      const report = JSON.parse(checked.stdout || '{}') as {
        outcome?: string;
        failed?: string;
        checks?: { name: string; detail: string }[];
      };
      expect(
        report.outcome,
        `${label}: ${target} ${String(report.failed)}: ${JSON.stringify(report.checks?.filter((c) => c.name === report.failed))}`,
      ).to.equal('holds');
      expect(checked.code).to.equal(0);
      const signatures = report.checks?.find((c) => c.name === 'block.orderer-signature')?.detail ?? '';
      expect(signatures, 'a quorum of BFT consenters signed').to.match(/distinct consenter signature\(s\)/);
    }
    const chain = await xborder('audit', 'audit-1', 'audit', 'verify-chain', '--anchor', anchor);
    expect(chain.code, `${label}: verify-chain\n${chain.stdout}\n${chain.stderr}`).to.equal(0);
    expect(chain.stdout).to.match(/verified/);
  }

  it("lets the auditor prove the intel record and the payment on its own host: proofs hold against the operators' anchor, the chain verifies", async () => {
    const listed = JSON.parse(ok(await xborder('audit', 'audit-1', 'intel', 'list', '--json'), 'list')) as { items: { stixId: string }[] };
    const intelId = listed.items[0]?.stixId ?? '';
    expect(intelId).to.match(/--/);
    const uetr = /<UETR>([^<]+)<\/UETR>/.exec(fs.readFileSync(path.join(EXAMPLES, 'payments', 'pacs008-hk-th.xml'), 'utf8'))?.[1] ?? '';
    expect(uetr).to.have.length(36);
    await auditorChecks([`intel:${intelId}`, `payment:${uetr}`], 'first');
  });

  it("keeps HK's clients working through HK's second peer while its first is down, with nothing lost", async () => {
    const pidFile = path.join(home('hk'), 'run', 'peer0.hk.pid');
    process.kill(Number.parseInt(fs.readFileSync(pidFile, 'utf8'), 10), 'SIGKILL');
    try {
      const indicator = freshIndicator(GREEN, 'while peer0.hk is down');
      const file = path.join(base, 'failover.json');
      fs.writeFileSync(file, JSON.stringify(indicator));
      // hk-bank-a's profile lists peer0.hk first: the client moves to peer1.hk by itself
      expect(ok(await xborder('hk', 'hk-bank-a', 'intel', 'submit', file), 'submit with peer0.hk down')).to.match(/1 submitted/);
      ok(await xborder('hk', 'hk-bank-a', 'intel', 'get', String(indicator.id)), 'read with peer0.hk down');
      ok(await xborder('th', 'th-bank-a', 'intel', 'get', String(indicator.id)), 'TH reads it');
    } finally {
      ok(await xbnet('hk', 'org-up'), 'peer0.hk back');
    }
    // peer0.hk catches up with what was committed while it was down
    const deadline = Date.now() + 60_000;
    const heights = async (): Promise<Record<string, number>> =>
      (JSON.parse((await xbnet('hk', 'status', '--json')).stdout) as { heights: Record<string, number> }).heights;
    let h = await heights();
    while (h['peer0.hk'] !== h['peer1.hk'] && Date.now() < deadline) h = await heights();
    expect(h['peer0.hk'], 'peer0.hk caught up').to.equal(h['peer1.hk']);
  });

  it("changes the channel configuration only with both operators' admin signatures", async () => {
    const update = path.join(base, 'batch.pb');
    expect(
      ok(await xbnet('hk', 'config-create', '--out', update, '--batch-timeout', '400ms', '--max-messages', '50'), 'create'),
    ).to.include('BatchTimeout = {"timeout":"400ms"}');
    const alone = path.join(base, 'batch-alone.pb');
    fs.copyFileSync(update, alone);
    const refused = await xbnet('hk', 'config-submit', '--file', alone);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.match(/CONFIG_UPDATE_UNAUTHORISED: .*requires 2 of the 'Admins' sub-policies.*config-sign/);
    expect(refused.stderr, 'no raw peer output').to.not.match(/rpc error|BAD_REQUEST -- error applying/);
    ok(await xbnet('hk', 'config-sign', '--file', update), 'hk signs');
    const atTh = send(update, 'th');
    expect(ok(await xbnet('th', 'config-submit', '--file', atTh), 'th submits')).to.include('BatchTimeout');
    // the same signed update again (a replay) no longer applies: refused, not reported as done
    const replay = await xbnet('th', 'config-submit', '--file', atTh);
    expect(replay.code).to.equal(1);
    expect(replay.stderr).to.match(/at version|CONFIG_UPDATE_NOT_APPLIED/);

    // an institution with a CA of its own joins the channel (clients only), by the same two signatures
    const caKey = path.join(base, 'sg-ca.key');
    const caCert = path.join(base, 'sg-ca.pem');
    execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', caKey]);
    execFileSync('openssl', ['req', '-new', '-x509', '-key', caKey, '-out', caCert, '-days', '30', '-subj', '/O=SG/CN=ca.sg.example']);
    const ca = { certPem: fs.readFileSync(caCert, 'utf8') };
    const joining = path.join(base, 'sg.org.json');
    fs.writeFileSync(
      joining,
      JSON.stringify({
        format: 'xborder/org-definition/v1',
        key: 'sg',
        mspId: 'SGMSP',
        name: 'SG',
        channel: 'xborder',
        caCert: ca.certPem,
        peers: [],
        orderers: [],
      }),
    );
    const join = path.join(base, 'join.pb');
    expect(ok(await xbnet('hk', 'config-create', '--out', join, '--add-org', joining), 'create join')).to.include(
      'Channel/Application/SG: new group',
    );
    ok(await xbnet('hk', 'config-sign', '--file', join), 'hk signs the join');
    ok(await xbnet('th', 'config-submit', '--file', send(join, 'th')), 'th submits the join');
    // config-submit returns once a configuration block holds the update
    const now = ok(await xbnet('th', 'channel-show'), 'channel-show');
    expect(now)
      .to.match(/application SGMSP root /)
      .and.to.match(/cut after 400ms/);
  });

  it("replaces a consenter by both operators' signatures, and refuses a set in which one operator holds a quorum", async () => {
    const added = ok(await xbnet('th', 'orderer-add'), 'TH enrolls a node');
    expect(added).to.match(/orderer2\.th enrolled/);
    const add = path.join(base, 'add-consenter.pb');
    expect(ok(await xbnet('th', 'config-create', '--out', add, '--add-consenter', 'orderer2.th'), 'create')).to.match(
      /Orderers = consenters .*5\. th\.xborder\.test:7550 THMSP/,
    );
    ok(await xbnet('th', 'config-sign', '--file', add), 'th signs');
    ok(await xbnet('hk', 'config-submit', '--file', send(add, 'hk')), 'hk submits');
    ok(await xbnet('th', 'org-up'), 'TH starts and joins orderer2.th');

    // five consenters (HK 2, TH 3, quorum 4): taking one of HK's would give TH 3 of 4, a quorum
    const unsafe = await xbnet('th', 'config-create', '--out', path.join(base, 'unsafe.pb'), '--remove-consenter', 'orderer0.hk');
    expect(unsafe.code).to.equal(1);
    expect(unsafe.stderr).to.match(/THMSP would hold 3 of 4 consenters \(quorum 3\)/);
    expect(fs.existsSync(path.join(base, 'unsafe.pb')), 'no update written').to.equal(false);

    const remove = path.join(base, 'remove-consenter.pb');
    ok(await xbnet('th', 'config-create', '--out', remove, '--remove-consenter', 'orderer1.th'), 'create removal');
    ok(await xbnet('th', 'config-sign', '--file', remove), 'th signs the removal');
    ok(await xbnet('hk', 'config-submit', '--file', send(remove, 'hk')), 'hk submits the removal');
    ok(await xbnet('th', 'orderer-remove', '--name', 'orderer1.th'), 'TH stops orderer1.th');
    const now = ok(await xbnet('hk', 'channel-show'), 'channel-show');
    expect(now).to.include('th.xborder.test:7550 THMSP').and.not.to.include('th.xborder.test:7350');

    // the new set orders, and orderer2.th is part of it: with orderer0.th stopped, the quorum of 3 of
    // 4 needs it (HK's two nodes and orderer2.th)
    const pid = Number.parseInt(fs.readFileSync(path.join(home('th'), 'run', 'orderer0.th.pid'), 'utf8'), 10);
    process.kill(pid, 'SIGKILL');
    const indicator = freshIndicator(GREEN, 'after the consenter change');
    const file = path.join(base, 'after-consenters.json');
    fs.writeFileSync(file, JSON.stringify(indicator));
    try {
      ok(await xborder('hk', 'hk-bank-a', 'intel', 'submit', file), 'submit after the change, orderer0.th down');
    } finally {
      ok(await xbnet('th', 'org-up'), 'orderer0.th back');
    }
    let read = await xborder('th', 'th-bank-a', 'intel', 'get', String(indicator.id));
    const deadline = Date.now() + 30_000;
    while (read.code !== 0 && Date.now() < deadline) read = await xborder('th', 'th-bank-a', 'intel', 'get', String(indicator.id));
    ok(read, 'TH reads it');
    // proofs and the chain hold across the consenter changes (blocks signed by the new set)
    await auditorChecks([`intel:${String(indicator.id)}`], 'after the consenter change');
  });

  it("with TH's host off the network, HK submits fail clearly and HK reads go on; back on, nothing is lost", async () => {
    const before = freshIndicator(GREEN, 'before the partition');
    const beforeFile = path.join(base, 'before.json');
    fs.writeFileSync(beforeFile, JSON.stringify(before));
    ok(await xborder('hk', 'hk-bank-a', 'intel', 'submit', beforeFile), 'submit before');

    hosts.setLink('th', false);
    const during = freshIndicator(GREEN, 'during the partition');
    const duringFile = path.join(base, 'during.json');
    fs.writeFileSync(duringFile, JSON.stringify(during));
    let failed: { code: number; stdout: string; stderr: string };
    try {
      failed = await xborder('hk', 'hk-bank-a', 'intel', 'submit', duringFile);
      expect(ok(await xborder('hk', 'hk-bank-a', 'intel', 'get', String(before.id)), 'hk reads during the partition')).to.include(
        String(before.id),
      );
    } finally {
      hosts.setLink('th', true);
    }
    expect(failed.code, failed.stdout).to.equal(1);
    if (process.env.XB_TEST_VERBOSE === '1') process.stdout.write(`      partition: ${failed.stdout.trim()} ${failed.stderr.trim()}\n`);
    expect(`${failed.stdout}${failed.stderr}`).to.match(/rejected|UNAVAILABLE|ENDORSEMENT|DEADLINE|no combination/);

    // the same submission again once the host is back: it completes, nothing twice
    const deadline = Date.now() + 120_000;
    let again = await xborder('hk', 'hk-bank-a', 'intel', 'submit', duringFile);
    while (again.code !== 0 && Date.now() < deadline) again = await xborder('hk', 'hk-bank-a', 'intel', 'submit', duringFile);
    ok(again, 'submit after the partition');
    for (const id of [before.id, during.id]) {
      // TH's peer commits the block a moment after HK's: wait for it there (bounded)
      let history = await xborder('th', 'th-bank-a', 'intel', 'history', String(id), '--json');
      while (history.code !== 0 && /INTEL_NOT_FOUND/.test(history.stdout + history.stderr) && Date.now() < deadline)
        history = await xborder('th', 'th-bank-a', 'intel', 'history', String(id), '--json');
      expect(JSON.parse(ok(history, 'th history')) as unknown[], `${String(id)} once at TH`).to.have.length(1);
    }
    const heights = async (): Promise<number[]> =>
      Promise.all(
        (['hk', 'th'] as const).map(async (s) => {
          const st = JSON.parse((await xbnet(s, 'status', '--json')).stdout) as { heights: Record<string, number> };
          return Object.values(st.heights)[0] ?? -1;
        }),
      );
    let h = await heights();
    while (h[0] !== h[1] && Date.now() < deadline) h = await heights();
    expect(h[0], 'both peers at the same height').to.equal(h[1]);
  });

  it('writes a systemd unit per process, with the environment (and any secret) in owner-only files', async () => {
    const out = path.join(base, 'units-hk');
    ok(await xbnet('hk', 'units', '--out', out, '--user', 'xborder'), 'units');
    const units = fs
      .readdirSync(out)
      .filter((f) => f.endsWith('.service'))
      .sort();
    expect(units).to.deep.equal([
      'xborder-ca-hk.service',
      'xborder-cc-xborder-hk.service',
      'xborder-checkpointer-hk.service',
      'xborder-orderer0.hk.service',
      'xborder-orderer1.hk.service',
      'xborder-peer0.hk.service',
      'xborder-peer1.hk.service',
    ]);
    const secrets = JSON.parse(fs.readFileSync(path.join(home('hk'), 'ca', 'hk', 'secrets.json'), 'utf8')) as Record<string, string>;
    for (const unit of units) {
      const text = fs.readFileSync(path.join(out, unit), 'utf8');
      for (const secret of Object.values(secrets)) expect(text, unit).not.to.include(secret);
      const envFile = /^EnvironmentFile=(.+)$/m.exec(text)?.[1] ?? '';
      expect(fs.statSync(envFile).mode & 0o077, `${envFile} owner-only`).to.equal(0);
      expect(text).to.match(new RegExp(`^ExecStart=/\\S+`, 'm'));
    }
    expect(fs.readFileSync(path.join(out, 'xborder-ca-hk.env'), 'utf8')).to.include(
      `FABRIC_CA_SERVER_BOOT="admin:${secrets.admin ?? 'missing'}"`,
    );
    expect(fs.readFileSync(path.join(out, 'xborder-peer0.hk.env'), 'utf8')).to.include(`CORE_PEER_LISTENADDRESS="${address('hk')}:7051"`);
    // as a dedicated account, never root, writing only the organisation's folder (a folder under /tmp
    // keeps the real /tmp)
    for (const unit of units) {
      const text = fs.readFileSync(path.join(out, unit), 'utf8');
      expect(text, unit)
        .to.match(/^User=xborder$/m)
        .and.to.match(new RegExp(`^ReadWritePaths=${home('hk')}$`, 'm'));
      expect(text, unit)
        .to.match(/^ProtectSystem=strict$/m)
        .and.not.to.match(/^PrivateTmp=yes$/m);
    }
    // the operator's checkpointing runs as its admin, after its peers and chaincode servers
    const checkpointer = fs.readFileSync(path.join(out, 'xborder-checkpointer-hk.service'), 'utf8');
    expect(checkpointer).to.match(
      /^ExecStart=\S+ \S+cli\/dist\/main\.js audit checkpoint --follow --interval 10 --home \S+ --as hk-admin$/m,
    );
    expect(checkpointer).to.match(/^After=.*xborder-peer0\.hk\.service.*xborder-cc-xborder-hk\.service/m);
  });

  it('upgrades the chaincode by each operator: the running version serves until the new definition commits', async () => {
    fs.mkdirSync(upgradeBuild, { recursive: true });
    for (const f of ['package.json', 'collections.json', 'dist']) {
      fs.cpSync(path.join(REPO_ROOT, 'chaincode', f), path.join(upgradeBuild, f), { recursive: true });
    }
    fs.writeFileSync(path.join(upgradeBuild, 'dist', 'build-note.js'), '// a second build of the same sources\n');
    const running = async (site: 'hk' | 'th'): Promise<string[]> =>
      (JSON.parse((await xbnet(site, 'status', '--json')).stdout) as { processes: { name: string; healthy: boolean }[] }).processes
        .filter((p) => p.name.startsWith('cc-') && p.healthy)
        .map((p) => p.name)
        .sort();
    const submit = async (note: string): Promise<void> => {
      const file = path.join(base, `${note.replace(/\W+/g, '-')}.json`);
      fs.writeFileSync(file, JSON.stringify(freshIndicator(GREEN, note)));
      ok(await xborder('hk', 'hk-bank-a', 'intel', 'submit', file), `submit ${note}`);
    };

    expect(ok(await xbnet('hk', 'chaincode-approve', '--path', upgradeBuild), 'hk approves the upgrade')).to.match(/sequence 2: approved/);
    expect(await running('hk'), 'both versions run at HK').to.deep.equal(['cc-xborder-hk', 'cc-xborder-hk-b']);
    await submit('between the approvals');
    ok(await xbnet('th', 'chaincode-approve', '--path', upgradeBuild), 'th approves the upgrade');
    expect(ok(await xbnet('th', 'chaincode-commit', '--path', upgradeBuild), 'th commits')).to.match(/sequence 2: committed/);
    expect(await running('th'), 'TH retired the old version').to.deep.equal(['cc-xborder-th-b']);
    expect(ok(await xbnet('hk', 'chaincode-approve', '--path', upgradeBuild), 'hk again')).to.match(/sequence 2: committed/);
    expect(await running('hk'), 'HK retired the old version').to.deep.equal(['cc-xborder-hk-b']);
    const st = JSON.parse((await xbnet('hk', 'status', '--json')).stdout) as { chaincodes: Record<string, number> };
    expect(st.chaincodes.xborder).to.equal(2);
    await submit('after the upgrade');
  });

  it('has run every xbnet command DEPLOYMENT.md gives, with the same flags', () => {
    /** A command and the flags it was given, values aside. */
    const shape = (args: readonly string[]): string => [args[0], ...args.filter((a) => a.startsWith('--')).sort()].join(' ');
    const done = new Set(ran.map(shape));
    // steps the document describes that this test does not take, and why
    const notHere = new Map([['down --home', "run on every host by this suite's after hook"]]);
    const documented = deploymentCommands(fs.readFileSync(path.join(REPO_ROOT, 'DEPLOYMENT.md'), 'utf8'))
      .filter((c) => c.tool === 'xbnet')
      .map((c) => shape(c.args));
    const missing = [...new Set(documented)].filter((d) => !done.has(d) && !notHere.has(d));
    expect(missing, 'documented but never run here').to.deep.equal([]);
  });
});
