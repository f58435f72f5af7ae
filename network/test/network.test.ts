import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';

import { expect } from 'chai';
import { parse } from 'yaml';

import { USAGE, UsageError, parseArgs } from '@xborder/network/internal/args';
import { chaincodeServerProcess, packageId, serverFingerprint } from '@xborder/network/internal/chaincode';
import { resolveConfig } from '@xborder/network/internal/config';
import type { NetworkConfig } from '@xborder/network/internal/config';
import { configtx } from '@xborder/network/internal/configtx';
import { loadConfig, saveOptions } from '@xborder/network/internal/network';
import { wholeBlocksClosed, withWholeBlocksClosed } from '@xborder/network/internal/block-delivery';
import type { ChannelConfigJson } from '@xborder/network/internal/config-update';
import { connectionProfile, idAttrs, seedIdentities } from '@xborder/network/internal/identities';
import { nodeOUsConfig } from '@xborder/network/internal/msp';
import { caProcess } from '@xborder/network/internal/ca';
import { ordererProcess, peerProcess } from '@xborder/network/internal/nodes';
import type { ProcessSpec } from '@xborder/network/internal/processes';
import { tarGz } from '@xborder/network/internal/tar';
import { REPO_ROOT } from '../../test/support/paths';

function allPorts(config: NetworkConfig): number[] {
  const ports: number[] = [];
  for (const o of config.orderers) ports.push(o.port, o.adminPort, o.opsPort);
  for (const org of Object.values(config.orgs)) {
    ports.push(org.ca.port, org.ca.opsPort);
    if (org.peer) ports.push(org.peer.port, org.peer.chaincodePort, org.peer.opsPort, org.peer.pprofPort, org.peer.chaincodeServerBasePort);
  }
  return ports;
}

type Doc = Record<string, any>;

describe('network configuration', () => {
  it('gives every process of every profile its own ports, shifted by the offset', () => {
    for (const profile of ['dev', 'ha', 'bft'] as const) {
      const ports = allPorts(resolveConfig({ profile, repoRoot: '/r' }));
      expect(new Set(ports).size).to.equal(ports.length, `duplicate port in ${profile}`);
      const shifted = allPorts(resolveConfig({ profile, repoRoot: '/r', portOffset: 20000 }));
      expect(shifted).to.deep.equal(ports.map((p) => p + 20000));
    }
  });

  it('has 1, 3 and 4 orderers for dev, ha and bft', () => {
    expect(resolveConfig({ profile: 'dev' }).orderers).to.have.length(1);
    expect(resolveConfig({ profile: 'ha' }).orderers).to.have.length(3);
    expect(resolveConfig({ profile: 'bft' }).orderers).to.have.length(4);
  });

  it('refuses an offset that would push ports out of range', () => {
    expect(() => resolveConfig({ portOffset: 60000 })).to.throw(/port offset/);
    expect(() => resolveConfig({ portOffset: -1 })).to.throw(/port offset/);
  });

  it('starts peers with pprof and chaincode servers with the profile preload only when profiling', () => {
    const plain = resolveConfig({ repoRoot: '/r' });
    const profiled = resolveConfig({ repoRoot: '/r', profiling: true });
    const hk = profiled.orgs.hk;
    const peerOf = (c: NetworkConfig) => peerProcess(c, c.orgs.hk, c.orgs.hk.peer!);
    expect(peerOf(plain).env).not.to.have.property('CORE_PEER_PROFILE_ENABLED');
    expect(peerOf(profiled).env).to.include({
      CORE_PEER_PROFILE_ENABLED: 'true',
      CORE_PEER_PROFILE_LISTENADDRESS: `127.0.0.1:${String(hk.peer!.pprofPort)}`,
    });
    expect(peerOf(profiled).ports.map((p) => p.port)).to.include(hk.peer!.pprofPort);
    const spec = { name: 'xborder', modulePath: path.join(REPO_ROOT, 'chaincode') };
    const server = (c: NetworkConfig) => chaincodeServerProcess(c, c.orgs.hk, spec, 0, 'xborder_hk:0');
    expect(server(plain).args).not.to.include('--require');
    const args = server(profiled).args;
    expect(args[0]).to.equal('--require');
    expect(fs.existsSync(args[1] ?? '')).to.equal(true);
    expect(server(profiled).env).to.include({
      XB_CPU_PROFILE_DIR: path.join(profiled.home, 'profiles'),
      XB_CPU_PROFILE_NAME: 'cc-xborder-hk',
    });
  });

  it('fingerprints what a chaincode server runs: its build output and its settings', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-cc-'));
    try {
      fs.mkdirSync(path.join(dir, 'dist', 'shared'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ main: 'dist/index.js' }));
      fs.writeFileSync(path.join(dir, 'dist', 'index.js'), 'module.exports = {};');
      fs.writeFileSync(path.join(dir, 'dist', 'shared', 'x.js'), 'exports.x = 1;');
      const spec = { name: 'cc', modulePath: dir };
      const server: ProcessSpec = {
        name: 'cc-cc-hk',
        command: 'node',
        args: ['shim', 'server'],
        env: { CORE_CHAINCODE_LOGGING_LEVEL: 'warning' },
        ports: [],
        readiness: { kind: 'tcp', host: '127.0.0.1', port: 7100 },
      };
      const first = serverFingerprint(spec, server);
      expect(serverFingerprint(spec, server)).to.equal(first);
      fs.writeFileSync(path.join(dir, 'dist', 'index.js.map'), '{}'); // not code
      expect(serverFingerprint(spec, server)).to.equal(first);
      fs.writeFileSync(path.join(dir, 'dist', 'shared', 'x.js'), 'exports.x = 22;');
      const second = serverFingerprint(spec, server);
      expect(second).not.to.equal(first);
      expect(serverFingerprint(spec, { ...server, args: ['--require', 'profiler.js', 'shim', 'server'] })).not.to.equal(second);
      expect(serverFingerprint(spec, { ...server, env: { CORE_CHAINCODE_LOGGING_LEVEL: 'info' } })).not.to.equal(second);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('places home and Fabric folders under the repository by default', () => {
    const c = resolveConfig({ repoRoot: '/repo' });
    expect(c.home).to.equal('/repo/.xborder');
    expect(c.fabricHome).to.equal('/repo/.fabric');
    expect(resolveConfig({ repoRoot: '/repo', home: '/elsewhere' }).home).to.equal('/elsewhere');
  });
});

describe('saved network options', () => {
  it('keep the ports and host a network was created with when a later command names only its folder', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-saved-'));
    try {
      saveOptions(loadConfig({ home, portOffset: 20000, host: 'hk.example' }), { home, portOffset: 20000, host: 'hk.example' });
      // e.g. `npm run bench -- --network-home DIR`, or `up` with --home alone
      saveOptions(loadConfig({ home }), { home });
      const saved = JSON.parse(fs.readFileSync(path.join(home, 'network.json'), 'utf8')) as { portOffset: number; host: string };
      expect(saved).to.include({ portOffset: 20000, host: 'hk.example' });
      expect(loadConfig({ home }).orderers[0]?.port).to.equal(27050);
      expect(() => loadConfig({ home, portOffset: 0 })).to.throw(/created with portOffset=20000/);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('configtx generation', () => {
  const raft = configtx(resolveConfig({ repoRoot: '/repo' })) as Doc;
  const profile = raft.Profiles.XborderChannel as Doc;

  it('requires both operators for application admins, lifecycle and default endorsement', () => {
    const policies = profile.Application.Policies as Doc;
    for (const name of ['Admins', 'LifecycleEndorsement', 'Endorsement']) {
      expect(policies[name].Type).to.equal('Signature');
      expect(policies[name].Rule).to.match(/^AND\('HKMSP\.(peer|admin)','THMSP\.(peer|admin)'\)$/);
    }
  });

  it('closes whole-block deliver (and private data with it) at creation: event/Block needs every org admin at once', () => {
    const policies = profile.Application.Policies as Doc;
    expect(policies.BlockDelivery).to.deep.equal({ Type: 'ImplicitMeta', Rule: 'ALL Admins' });
    expect(profile.Application.ACLs).to.deep.equal({ 'event/Block': '/Channel/Application/BlockDelivery' });
    // filtered blocks, chaincode events and block queries keep Fabric's defaults (channel readers)
    expect(Object.keys(profile.Application.ACLs as Doc)).to.deep.equal(['event/Block']);
  });

  it('closes whole-block deliver on a running channel created without it, keeping other ACLs', () => {
    const before = {
      channel_group: {
        groups: {
          Application: {
            policies: { Readers: { policy: { type: 3, value: { rule: 'ANY', sub_policy: 'Readers' } } } },
            values: {
              ACLs: { mod_policy: 'Admins', value: { acls: { 'qscc/GetChainInfo': { policy_ref: '/Channel/Application/Readers' } } } },
            },
          },
        },
      },
    } as unknown as ChannelConfigJson;
    expect(wholeBlocksClosed(before)).to.equal(false);
    const after = withWholeBlocksClosed(before);
    expect(wholeBlocksClosed(after)).to.equal(true);
    expect(wholeBlocksClosed(before), 'the input is left as it was').to.equal(false);
    const app = (after.channel_group as Doc).groups.Application as Doc;
    expect(app.values.ACLs.value.acls).to.deep.equal({
      'qscc/GetChainInfo': { policy_ref: '/Channel/Application/Readers' },
      'event/Block': { policy_ref: '/Channel/Application/BlockDelivery' },
    });
    // a look-alike is not taken for closed: an ACL pointing elsewhere, or a policy one admin meets
    const elsewhere = JSON.parse(JSON.stringify(after)) as Doc;
    elsewhere.channel_group.groups.Application.values.ACLs.value.acls['event/Block'].policy_ref = '/Channel/Application/Readers';
    expect(wholeBlocksClosed(elsewhere as ChannelConfigJson)).to.equal(false);
    const anyAdmin = JSON.parse(JSON.stringify(after)) as Doc;
    anyAdmin.channel_group.groups.Application.policies.BlockDelivery.policy.value.rule = 'ANY';
    expect(wholeBlocksClosed(anyAdmin as ChannelConfigJson)).to.equal(false);
  });

  it('has the HK, TH and auditor orgs, anchor peers for the operators only', () => {
    const orgs = profile.Application.Organizations as Doc[];
    expect(orgs.map((o) => o.ID)).to.deep.equal(['HKMSP', 'THMSP', 'AuditMSP']);
    expect(orgs[0]!.AnchorPeers).to.deep.equal([{ Host: 'localhost', Port: 7051 }]);
    expect(orgs[1]!.AnchorPeers).to.deep.equal([{ Host: 'localhost', Port: 8051 }]);
    expect(orgs[2]!.AnchorPeers).to.equal(undefined);
    expect(orgs[2]!.Policies.Admins.Rule).to.equal("OR('AuditMSP.admin')");
  });

  it('uses Raft with one consenter per orderer and the tuned block settings by default', () => {
    const orderer = profile.Orderer as Doc;
    expect(orderer.OrdererType).to.equal('etcdraft');
    expect(orderer.BatchTimeout).to.equal('250ms');
    expect(orderer.BatchSize.MaxMessageCount).to.equal(100);
    expect(orderer.BatchSize.PreferredMaxBytes).to.equal('512 KB');
    expect(orderer.EtcdRaft.Consenters).to.have.length(1);
    expect(orderer.Organizations[0].OrdererEndpoints).to.deep.equal(['localhost:7050']);
    expect(orderer.Capabilities).to.deep.equal({ V2_0: true });
    expect(profile.Capabilities).to.deep.equal({ V3_0: true });
  });

  it('switches to Fabric defaults (2s, 10 tx) and to BFT when asked', () => {
    const defaults = configtx(resolveConfig({ blocks: 'defaults', profile: 'ha' })) as Doc;
    const orderer = defaults.Profiles.XborderChannel.Orderer as Doc;
    expect(orderer.BatchTimeout).to.equal('2s');
    expect(orderer.BatchSize.MaxMessageCount).to.equal(10);
    expect(orderer.EtcdRaft.Consenters).to.have.length(3);
    const bft = (configtx(resolveConfig({ profile: 'bft' })) as Doc).Profiles.XborderChannel.Orderer as Doc;
    expect(bft.OrdererType).to.equal('BFT');
    expect(bft.ConsenterMapping.map((c: Doc) => c.ID)).to.deep.equal([1, 2, 3, 4]);
    expect(bft.SmartBFT.RequestBatchMaxCount).to.equal(100);
    // every profile closes whole-block deliver (ha and bft as dev)
    for (const profile of ['ha', 'bft'] as const) {
      const app = (configtx(resolveConfig({ profile })) as Doc).Profiles.XborderChannel.Application as Doc;
      expect(app.ACLs, profile).to.deep.equal({ 'event/Block': '/Channel/Application/BlockDelivery' });
    }
  });
});

describe('identities and MSP files', () => {
  const config = resolveConfig({ repoRoot: '/repo' });

  it('seeds an admin per org, two banks per operator and one auditor', () => {
    const ids = seedIdentities(config);
    expect(ids.filter((i) => i.role === 'submitter').map((i) => i.institution)).to.deep.equal([
      'hk-bank-a',
      'hk-bank-b',
      'th-bank-a',
      'th-bank-b',
    ]);
    expect(ids.find((i) => i.name === 'audit-1')).to.include({ role: 'auditor', type: 'client' });
    expect(ids.filter((i) => i.role === 'admin')).to.have.length(4);
  });

  it('puts role and institution into the enrollment certificate', () => {
    expect(idAttrs({ role: 'submitter', institution: 'hk-bank-a' })).to.equal(
      'xborder.role=submitter:ecert,xborder.institution=hk-bank-a:ecert',
    );
    expect(() => idAttrs({ role: 'submitter', institution: 'Bad Id,x=1' })).to.throw(/invalid institution/);
  });

  it('lists the own operator peer first in a connection profile; auditors start with HK', () => {
    const ids = seedIdentities(config);
    const th = connectionProfile(
      config,
      ids.find((i) => i.name === 'th-bank-a')!,
    );
    expect(th.peers.map((p) => p.mspId)).to.deep.equal(['THMSP', 'HKMSP']);
    expect(th.peers[0]!.endpoint).to.equal('localhost:8051');
    const audit = connectionProfile(
      config,
      ids.find((i) => i.name === 'audit-1')!,
    );
    expect(audit.peers.map((p) => p.mspId)).to.deep.equal(['HKMSP', 'THMSP']);
  });

  it('writes a NodeOUs config that maps the four OUs to the CA certificate', () => {
    const doc = parse(nodeOUsConfig()) as Doc;
    expect(doc.NodeOUs.Enable).to.equal(true);
    for (const ou of ['client', 'peer', 'admin', 'orderer']) {
      const key = `${ou[0]!.toUpperCase()}${ou.slice(1)}OUIdentifier`;
      expect(doc.NodeOUs[key]).to.deep.equal({ Certificate: 'cacerts/ca.pem', OrganizationalUnitIdentifier: ou });
    }
  });
});

describe('chaincode packages', () => {
  it('are byte-for-byte reproducible, so an unchanged chaincode keeps its package id', () => {
    const files = [{ name: 'connection.json', data: Buffer.from('{"address":"localhost:7100"}') }];
    const a = tarGz(files);
    const b = tarGz(files);
    expect(a.equals(b)).to.equal(true);
    const org = resolveConfig().orgs.hk;
    expect(packageId('xborder', org, a)).to.equal(`xborder_hk:${crypto.createHash('sha256').update(a).digest('hex')}`);
  });

  it('are tar archives that GNU tar can list and extract', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-tar-'));
    const file = path.join(dir, 'p.tar');
    fs.writeFileSync(
      file,
      gunzipSync(
        tarGz([
          { name: 'metadata.json', data: Buffer.from('{"type":"ccaas"}') },
          { name: 'code.tar.gz', data: Buffer.alloc(700, 1) },
        ]),
      ),
    );
    const { execFileSync } = await import('node:child_process');
    expect(execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n')).to.deep.equal(['code.tar.gz', 'metadata.json']);
    execFileSync('tar', ['-xf', file, '-C', dir]);
    expect(fs.readFileSync(path.join(dir, 'metadata.json'), 'utf8')).to.equal('{"type":"ccaas"}');
    expect(fs.statSync(path.join(dir, 'code.tar.gz')).size).to.equal(700);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('xbnet arguments', () => {
  it('parses a command with flags in both --flag value and --flag=value form', () => {
    const a = parseArgs(['up', '--profile', 'ha', '--blocks=defaults', '--port-offset', '100', '--no-deploy']);
    expect(a.command).to.equal('up');
    expect(a.options).to.include({ profile: 'ha', blocks: 'defaults', portOffset: 100 });
    expect(a.skipDeploy).to.equal(true);
  });

  it('switches profiling on by flag or XB_PROFILING=1', () => {
    expect(parseArgs(['up', '--profiling']).options.profiling).to.equal(true);
    expect(parseArgs(['up'], { XB_PROFILING: '1' }).options.profiling).to.equal(true);
    expect(parseArgs(['up']).options.profiling).to.equal(undefined);
  });

  it('takes defaults from the environment, flags win', () => {
    const a = parseArgs(['status', '--profile', 'dev'], { XB_PROFILE: 'ha', XB_BLOCKS: 'defaults', XB_HOME: '/tmp/x' });
    expect(a.options).to.include({ profile: 'dev', blocks: 'defaults', home: '/tmp/x' });
  });

  it('reads deploy flags for a named chaincode', () => {
    const a = parseArgs(['deploy', '--name', 'baseline', '--path', '/tmp/cc', '--policy', "OR('HKMSP.peer')"]);
    expect(a.chaincode).to.deep.equal({ name: 'baseline', modulePath: '/tmp/cc', policy: "OR('HKMSP.peer')" });
    expect(parseArgs(['deploy']).chaincode).to.equal(undefined);
  });

  it('rejects unknown commands, unknown flags, bad values and a missing value', () => {
    expect(() => parseArgs(['launch'])).to.throw(UsageError, /command must be one of/);
    expect(() => parseArgs(['up', '--colour', 'red'])).to.throw(UsageError, /unknown flag --colour/);
    expect(() => parseArgs(['up', '--profile', 'huge'])).to.throw(UsageError, /--profile must be one of dev, ha, bft/);
    expect(() => parseArgs(['up', '--port-offset=-5'])).to.throw(UsageError, /non-negative integer/);
    expect(() => parseArgs(['up', '--port-offset', '-5'])).to.throw(
      UsageError,
      /--port-offset takes a value starting with "-" only as --port-offset=VALUE/,
    );
    expect(() => parseArgs(['up', 'extra'])).to.throw(UsageError, /unexpected argument "extra"/);
    expect(() => parseArgs(['up', '--blocks'])).to.throw(UsageError, /--blocks needs a value/);
    expect(() => parseArgs(['deploy', '--name', 'x'])).to.throw(UsageError, /both --name and --path/);
    expect(() => parseArgs(['up', '--channel', 'Bad Name'])).to.throw(UsageError, /not a valid channel name/);
  });

  it('shows help for no command or --help', () => {
    expect(parseArgs([]).command).to.equal('help');
    expect(parseArgs(['up', '--help']).command).to.equal('help');
    expect(USAGE).to.match(/restart-chaincode/);
  });
  it('keeps every operations endpoint (health, metrics, log levels, pprof) on loopback, even when nodes bind to all addresses', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-ops-'));
    try {
      const config = resolveConfig({ home, bindHost: '0.0.0.0', profiling: true });
      const specs: ProcessSpec[] = [
        ...config.orderers.map((o) => ordererProcess(config, o)),
        ...[config.orgs.hk, config.orgs.th].map((org) => peerProcess(config, org, org.peer!)),
        ...[config.orgs.hk, config.orgs.th, config.orgs.audit, config.orgs.orderer].map((org) => caProcess(config, org)),
      ];
      const opsPorts = new Set<number>([
        ...config.orderers.map((o) => o.opsPort),
        ...Object.values(config.orgs).flatMap((org) => [org.ca.opsPort, ...(org.peer ? [org.peer.opsPort, org.peer.pprofPort] : [])]),
      ]);
      let checked = 0;
      for (const spec of specs) {
        const texts = [...Object.values(spec.env), ...spec.args, spec.readiness.kind === 'healthz' ? spec.readiness.url : ''];
        for (const port of opsPorts) {
          for (const t of texts.filter((x) => x.endsWith(`:${String(port)}`) || x.includes(`:${String(port)}/`))) {
            expect(t, spec.name).to.match(/^(http:\/\/)?127\.0\.0\.1:/);
            checked++;
          }
        }
        for (const p of spec.ports) if (opsPorts.has(p.port)) expect(p.host, spec.name).to.equal('127.0.0.1');
        // the service ports themselves do follow --bind
        expect(
          spec.ports.some((p) => p.host === '0.0.0.0'),
          spec.name,
        ).to.equal(true);
      }
      expect(checked).to.be.greaterThan(10);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
