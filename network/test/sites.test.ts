import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';

import { UsageError, parseArgs } from '@xborder/network/internal/args';
import type { ChannelSummary } from '@xborder/network/internal/channel-agreement';
import { proposalProblems, summariseConfig } from '@xborder/network/internal/channel-agreement';
import { bftQuorum, resolveConfig } from '@xborder/network/internal/config';
import type { NetworkConfig } from '@xborder/network/internal/config';
import { applyChange, describeUpdate } from '@xborder/network/internal/config-update';
import type { ChannelConfigJson } from '@xborder/network/internal/config-update';
import { configtx } from '@xborder/network/internal/configtx';
import { ORG_DEFINITION_FORMAT, importDefinition, parseDefinition, parseJoiningDefinition } from '@xborder/network/internal/org-definition';
import type { OrgDefinition } from '@xborder/network/internal/org-definition';
import { environmentFile, localProcesses, unitFile } from '@xborder/network/internal/units';
import { testCaPem } from '../../test/support/certs';
import { forge } from '../../test/support/forged-certs';
import type { ForgedIdentity } from '../../test/support/forged-certs';

type Doc = Record<string, any>;

async function orgOf(key: 'hk' | 'th', mspId: string): Promise<{ ca: ForgedIdentity; definition: OrgDefinition }> {
  const ca = await forge(`ca.${key}.xborder.local`, { ca: true });
  const orderers = [];
  for (const i of [0, 1]) {
    const tls = await forge(`orderer${String(i)}.${key}`, { issuer: ca });
    const id = await forge(`orderer${String(i)}.${key}`, { issuer: ca, ou: 'orderer' });
    orderers.push({
      name: `orderer${String(i)}.${key}`,
      host: `${key}.example`,
      port: 7050 + i * 100,
      tlsCert: tls.certPem,
      identityCert: id.certPem,
    });
  }
  return {
    ca,
    definition: {
      format: ORG_DEFINITION_FORMAT,
      key,
      mspId,
      name: key.toUpperCase(),
      domain: `${key}.xborder.local`,
      channel: 'xborder',
      caCert: ca.certPem,
      ca: { host: `${key}.example`, port: 7054 },
      peers: [{ name: `peer0.${key}`, host: `${key}.example`, port: 7051 }],
      orderers,
    },
  };
}

describe('organisation definitions (one organisation per host)', () => {
  let th: Awaited<ReturnType<typeof orgOf>>;
  let hk: Awaited<ReturnType<typeof orgOf>>;
  before(async () => {
    th = await orgOf('th', 'THMSP');
    hk = await orgOf('hk', 'HKMSP');
  });

  it('accepts a definition of public material whose node certificates its CA issued', () => {
    const d = parseDefinition(JSON.stringify(th.definition), 'th.org.json');
    expect(d.mspId).to.equal('THMSP');
    expect(d.orderers).to.have.length(2);
  });

  it('refuses a definition that carries a private key, a certificate of another CA, or the wrong MSP id', async () => {
    const withKey = JSON.stringify({ ...th.definition, note: th.ca.key.export({ type: 'pkcs8', format: 'pem' }).toString() });
    expect(() => parseDefinition(withKey, 'f')).to.throw(/private key/);
    const foreign = await forge('orderer0.th', { issuer: hk.ca });
    const swapped = { ...th.definition, orderers: [{ ...th.definition.orderers[0]!, tlsCert: foreign.certPem }] };
    expect(() => parseDefinition(JSON.stringify(swapped), 'f')).to.throw(/not issued by the organisation's CA/);
    expect(() => parseDefinition(JSON.stringify({ ...th.definition, mspId: 'HKMSP' }), 'f')).to.throw(/must have MSP id THMSP/);
    const leaf = await forge('not-a-ca', { issuer: th.ca });
    expect(() => parseDefinition(JSON.stringify({ ...th.definition, caCert: leaf.certPem }), 'f')).to.throw(/not a CA certificate/);
    expect(() => parseDefinition(JSON.stringify({ ...th.definition, ca: { host: 'a b', port: 1 } }), 'f')).to.throw(/host name and a port/);
    expect(() => parseDefinition(JSON.stringify({ ...th.definition, peers: [] }), 'f')).to.throw(/lists its peers/);
  });

  it('lets an organisation join later with clients only, under a new key, MSP id and name', async () => {
    const ca = await forge('ca.sg', { ca: true });
    const sg0 = {
      format: ORG_DEFINITION_FORMAT,
      key: 'sg',
      mspId: 'SGMSP',
      name: 'SG',
      channel: 'xborder',
      caCert: ca.certPem,
      peers: [],
      orderers: [],
    };
    // the forged CA has no subject key identifier, which Fabric's MSP requires
    expect(() => parseJoiningDefinition(JSON.stringify(sg0), 'sg')).to.throw(/subject key identifier/);
    const withSki = testCaPem('SGMSP');
    const sg = { ...sg0, caCert: withSki };
    expect(parseJoiningDefinition(JSON.stringify(sg), 'sg')).to.deep.equal({ key: 'sg', mspId: 'SGMSP', name: 'SG', caCert: withSki });
    expect(() => parseJoiningDefinition(JSON.stringify({ ...sg, key: 'hk' }), 'f')).to.throw(/new short key/);
    expect(() => parseJoiningDefinition(JSON.stringify({ ...sg, mspId: 'THMSP' }), 'f')).to.throw(/new MSP id/);
    expect(() => parseJoiningDefinition(JSON.stringify({ ...sg, name: 'HK' }), 'f')).to.throw(/new name/);
    expect(() => parseJoiningDefinition(JSON.stringify({ ...sg, peers: [{ name: 'peer0.sg', host: 'x', port: 1 }] }), 'f')).to.throw(
      /client identities only/,
    );
    expect(() => parseJoiningDefinition(JSON.stringify(th.definition), 'f')).to.throw(/new short key/);
    const current = {
      channel_group: { groups: { Application: { groups: { HK: {} } }, Orderer: { values: {} } } },
    } as unknown as ChannelConfigJson;
    const next = applyChange(current, { addOrg: { name: 'SG', group: { values: {} } } }) as Doc;
    expect(Object.keys(next.channel_group.groups.Application.groups)).to.deep.equal(['HK', 'SG']);
    expect(() => applyChange(next as ChannelConfigJson, { addOrg: { name: 'SG', group: {} } })).to.throw(/already a member/);
  });

  it('imports another organisation once: the same file again is harmless, a different one is refused', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-site-'));
    try {
      const config = resolveConfig({ home, site: 'hk', repoRoot: '/r' });
      const file = path.join(home, 'th.org.json');
      fs.writeFileSync(file, JSON.stringify(th.definition));
      importDefinition(config, file);
      importDefinition(config, file);
      expect(fs.readFileSync(path.join(home, 'orgs', 'th', 'msp', 'cacerts', 'ca.pem'), 'utf8')).to.equal(th.ca.certPem);
      expect(fs.readFileSync(path.join(home, 'orgs', 'th', 'orderers', 'orderer1.th', 'tls', 'server.crt'), 'utf8')).to.equal(
        th.definition.orderers[1]!.tlsCert,
      );
      fs.writeFileSync(file, JSON.stringify({ ...th.definition, peers: [{ name: 'peer0.th', host: 'elsewhere.example', port: 7051 }] }));
      expect(() => importDefinition(config, file)).to.throw(/a different definition of th is already imported/);
      fs.writeFileSync(file, JSON.stringify(hk.definition));
      expect(() => importDefinition(config, file)).to.throw(/this folder's own organisation/);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it("places the other organisation's nodes where its definition says and gives each operator two BFT consenters", () => {
    const config = resolveConfig({
      site: 'hk',
      host: 'hk.example',
      repoRoot: '/r',
      remote: {
        th: {
          host: 'th.example',
          caPort: 8054,
          peers: [{ name: 'peer0.th', host: 'th-peer.example', port: 9051 }],
          orderers: [{ name: 'orderer0.th', host: 'th-o.example', port: 9050 }],
        },
      },
    });
    expect(config.profile).to.equal('bft');
    expect(config.orderers.map((o) => `${o.name}@${o.host}:${String(o.port)}`)).to.deep.equal([
      'orderer0.hk@hk.example:7050',
      'orderer1.hk@hk.example:7150',
      'orderer0.th@th-o.example:9050',
      'orderer1.th@th.example:7350',
    ]);
    expect(config.orgs.th.peer).to.include({ host: 'th-peer.example', port: 9051 });
    expect(config.orgs.hk.peer).to.include({ host: 'hk.example', port: 7051 });
    expect(() => resolveConfig({ site: 'hk', profile: 'dev' })).to.throw(/BFT/);
    const doc = configtx(config) as Doc;
    const orderer = doc.Profiles.XborderChannel.Orderer as Doc;
    expect(orderer.Organizations.map((o: Doc) => [o.ID, o.OrdererEndpoints])).to.deep.equal([
      ['HKMSP', ['hk.example:7050', 'hk.example:7150']],
      ['THMSP', ['th-o.example:9050', 'th.example:7350']],
    ]);
    expect(orderer.Organizations[0].Policies.Readers.Rule).to.include("'HKMSP.orderer'");
    expect(orderer.ConsenterMapping.map((c: Doc) => c.MSPID)).to.deep.equal(['HKMSP', 'HKMSP', 'THMSP', 'THMSP']);
    expect(doc.Profiles.XborderChannel.Application.Organizations.map((o: Doc) => o.ID)).to.deep.equal(['HKMSP', 'THMSP', 'AuditMSP']);
    // the channel the operators agree on closes whole-block deliver too (no private data from peers)
    expect(doc.Profiles.XborderChannel.Application.ACLs).to.deep.equal({ 'event/Block': '/Channel/Application/BlockDelivery' });
    expect(doc.Profiles.XborderChannel.Application.Policies.BlockDelivery).to.deep.equal({ Type: 'ImplicitMeta', Rule: 'ALL Admins' });
    // this folder runs only HK's processes
    expect(localProcesses(config).map((p) => p.name)).to.deep.equal(['ca-hk', 'orderer0.hk', 'orderer1.hk', 'peer0.hk']);
  });
});

describe('channel agreement: what an operator refuses', () => {
  let home: string;
  let config: NetworkConfig;
  let honest: ChannelSummary;
  let hkRoot: string;

  before(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-agree-'));
    config = resolveConfig({ home, site: 'th', host: 'th.example', repoRoot: '/r' });
    const ca = await forge('ca.th', { ca: true });
    fs.mkdirSync(path.join(home, 'ca', 'th', 'server'), { recursive: true });
    fs.writeFileSync(path.join(home, 'ca', 'th', 'server', 'ca-cert.pem'), ca.certPem);
    const { X509Certificate } = await import('node:crypto');
    const fp = (pem: string): string => new X509Certificate(pem).fingerprint256;
    const consenters: ChannelSummary['consenters'][number][] = [];
    for (const [i, name] of ['orderer0.th', 'orderer1.th'].entries()) {
      const tls = await forge(name, { issuer: ca });
      const dir = path.join(home, 'orgs', 'th', 'orderers', name, 'tls');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'server.crt'), tls.certPem);
      consenters.push({
        id: i + 3,
        endpoint: `th.example:${String(7250 + i * 100)}`,
        mspId: 'THMSP',
        tlsCertSha256: fp(tls.certPem),
        identitySha256: 'x',
      });
    }
    hkRoot = fp((await forge('ca.hk', { ca: true })).certPem);
    honest = {
      channel: 'xborder',
      ordererType: 'BFT',
      batchTimeout: '250ms',
      maxMessageCount: 100,
      consenters: [
        { id: 1, endpoint: 'hk.example:7050', mspId: 'HKMSP', tlsCertSha256: 'a', identitySha256: 'a' },
        { id: 2, endpoint: 'hk.example:7150', mspId: 'HKMSP', tlsCertSha256: 'b', identitySha256: 'b' },
        ...consenters,
      ],
      organisations: [
        { group: 'application', name: 'HK', mspId: 'HKMSP', rootCertSha256: [hkRoot], endpoints: ['hk.example:7051'] },
        { group: 'application', name: 'TH', mspId: 'THMSP', rootCertSha256: [fp(ca.certPem)], endpoints: ['th.example:8051'] },
        { group: 'orderer', name: 'TH', mspId: 'THMSP', rootCertSha256: [fp(ca.certPem)], endpoints: ['th.example:7250'] },
      ],
      policies: {
        'Application/Admins': 'AND(HKMSP.admin, THMSP.admin)',
        'Application/LifecycleEndorsement': 'AND(HKMSP.peer, THMSP.peer)',
        'Application/Endorsement': 'AND(HKMSP.peer, THMSP.peer)',
      },
    };
  });
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  it('has no objection to an honest proposal', () => {
    expect(proposalProblems(config, honest)).to.deep.equal([]);
  });

  it('objects when the other operator could administer, endorse or order alone', () => {
    const oneSided = { ...honest, policies: { ...honest.policies, 'Application/Admins': 'OR(HKMSP.admin)' } };
    expect(proposalProblems(config, oneSided).join()).to.match(/Application\/Admins is OR\(HKMSP\.admin\)/);
    const noEndorsement = { ...honest, policies: { ...honest.policies, 'Application/Endorsement': 'OR(HKMSP.peer, THMSP.peer)' } };
    expect(proposalProblems(config, noEndorsement).join()).to.match(/Application\/Endorsement/);
    const extra = { id: 5, endpoint: 'hk.example:7450', mspId: 'HKMSP', tlsCertSha256: 'c', identitySha256: 'c' };
    const quorum = { ...honest, consenters: [...honest.consenters, extra, { ...extra, id: 6, endpoint: 'hk.example:7550' }] };
    expect(proposalProblems(config, quorum).join()).to.match(/HKMSP alone holds 4 of 6 consenters \(quorum 4\)/);
    expect(proposalProblems(config, { ...honest, ordererType: 'etcdraft' }).join()).to.match(/must be BFT/);
  });

  it('objects when the block misstates this organisation: its CA, its peers, its consenters', () => {
    const orgs = honest.organisations.map((o) =>
      o.mspId === 'THMSP' && o.group === 'application' ? { ...o, rootCertSha256: [hkRoot] } : o,
    );
    expect(proposalProblems(config, { ...honest, organisations: orgs }).join()).to.match(
      /root certificate in the block is not this organisation's CA/,
    );
    const moved = honest.organisations.map((o) =>
      o.mspId === 'THMSP' && o.group === 'application' ? { ...o, endpoints: ['hk.example:8051'] } : o,
    );
    expect(proposalProblems(config, { ...honest, organisations: moved }).join()).to.match(/anchor peers in the block/);
    const swapped = honest.consenters.map((c) => (c.endpoint === 'th.example:7250' ? { ...c, tlsCertSha256: 'forged' } : c));
    expect(proposalProblems(config, { ...honest, consenters: swapped }).join()).to.match(
      /consenter orderer0\.th .* is missing or not this organisation's node/,
    );
    const impostor = [...honest.consenters, { id: 9, endpoint: 'evil.example:1', mspId: 'THMSP', tlsCertSha256: 'e', identitySha256: 'e' }];
    expect(proposalProblems(config, { ...honest, consenters: impostor }).join()).to.match(/claims THMSP but is not its node/);
    expect(proposalProblems(config, { ...honest, channel: 'other' }).join()).to.match(/not xborder/);
    const removed = honest.organisations.filter((o) => !(o.mspId === 'THMSP' && o.group === 'application'));
    expect(proposalProblems(config, { ...honest, organisations: removed }).join()).to.match(/THMSP is not a member/);
  });

  it('computes the BFT quorum as Fabric does', () => {
    expect([4, 5, 6, 7, 10].map(bftQuorum)).to.deep.equal([3, 4, 4, 5, 7]);
  });

  it('reads policies, consenters and organisations out of a decoded configuration', async () => {
    const ca = await forge('ca.hk', { ca: true });
    const b64 = Buffer.from(ca.certPem).toString('base64');
    const sig = (n: number, principals: [string, string][]) => ({
      type: 1,
      value: {
        identities: principals.map(([msp, role]) => ({ principal_classification: 'ROLE', principal: { msp_identifier: msp, role } })),
        rule: { n_out_of: { n, rules: principals.map((_p, i) => ({ signed_by: i })) } },
      },
    });
    const org = (anchors?: Doc[], addresses?: string[]) => ({
      values: {
        MSP: { value: { config: { name: 'HKMSP', root_certs: [b64] } } },
        ...(anchors ? { AnchorPeers: { value: { anchor_peers: anchors } } } : {}),
        ...(addresses ? { Endpoints: { value: { addresses } } } : {}),
      },
    });
    const decoded = {
      channel_group: {
        policies: { Admins: { policy: { type: 3, value: { rule: 'MAJORITY', sub_policy: 'Admins' } } } },
        groups: {
          Application: {
            groups: { HK: org([{ host: 'hk.example', port: 7051 }]) },
            policies: {
              Admins: {
                policy: sig(2, [
                  ['HKMSP', 'ADMIN'],
                  ['THMSP', 'ADMIN'],
                ]),
              },
              Readers: {
                policy: sig(1, [
                  ['HKMSP', 'MEMBER'],
                  ['THMSP', 'MEMBER'],
                ]),
              },
              Odd: {
                policy: sig(2, [
                  ['A', 'PEER'],
                  ['B', 'PEER'],
                  ['C', 'PEER'],
                ]),
              },
            },
          },
          Orderer: {
            groups: { HK: org(undefined, ['hk.example:7050']) },
            policies: {},
            values: {
              ConsensusType: { value: { type: 'BFT' } },
              BatchSize: { value: { max_message_count: 100 } },
              BatchTimeout: { value: { timeout: '250ms' } },
              Orderers: {
                value: {
                  consenter_mapping: [{ id: 1, host: 'hk.example', port: 7050, msp_id: 'HKMSP', identity: b64, server_tls_cert: b64 }],
                },
              },
            },
          },
        },
      },
    };
    const s = summariseConfig('xborder', decoded);
    expect(s.policies).to.deep.equal({
      'Channel/Admins': 'MAJORITY Admins',
      'Application/Admins': 'AND(HKMSP.admin, THMSP.admin)',
      'Application/Readers': 'OR(HKMSP.member, THMSP.member)',
      'Application/Odd': '2 of (A.peer, B.peer, C.peer)',
    });
    expect(s.consenters[0]).to.include({ endpoint: 'hk.example:7050', mspId: 'HKMSP' });
    expect(s.organisations.map((o) => `${o.group}:${o.endpoints.join()}`)).to.deep.equal([
      'application:hk.example:7051',
      'orderer:hk.example:7050',
    ]);
  });
});

describe('channel configuration updates and service units', () => {
  it('changes block settings and says what an update writes', () => {
    const current = {
      channel_group: {
        groups: {
          Orderer: { values: { BatchTimeout: { value: { timeout: '250ms' } }, BatchSize: { value: { max_message_count: 100 } } } },
        },
      },
    } as unknown as ChannelConfigJson;
    const next = applyChange(current, { batchTimeout: '2s', maxMessageCount: 10 }) as Doc;
    expect(next.channel_group.groups.Orderer.values.BatchTimeout.value.timeout).to.equal('2s');
    expect(next.channel_group.groups.Orderer.values.BatchSize.value.max_message_count).to.equal(10);
    expect((current as Doc).channel_group.groups.Orderer.values.BatchTimeout.value.timeout, 'input untouched').to.equal('250ms');
    expect(() => applyChange(current, { batchTimeout: 'soon' })).to.throw(/500ms or 2s/);
    expect(() => applyChange(current, { maxMessageCount: 0 })).to.throw(/between 1 and 10000/);
    const update = {
      read_set: { groups: { Orderer: { values: { BatchTimeout: { version: '0' } } } } },
      write_set: { groups: { Orderer: { values: { BatchTimeout: { version: '1', value: { timeout: '2s' } } } } } },
    };
    expect(describeUpdate(update)).to.deep.equal(['Channel/Orderer/BatchTimeout = {"timeout":"2s"}']);
  });

  it('changes the BFT consenter set with its endpoints and block validation policy, never into one an operator controls', async () => {
    const pem = (await forge('node', { ca: true })).certPem;
    const b64 = Buffer.from(pem).toString('base64');
    const consenter = (id: number, msp: string, port: number) => ({
      id,
      host: 'x.example',
      port,
      msp_id: msp,
      identity: b64,
      client_tls_cert: b64,
      server_tls_cert: b64,
    });
    const current = {
      channel_group: {
        groups: {
          Orderer: {
            values: {
              Orderers: {
                value: {
                  consenter_mapping: [
                    consenter(1, 'HKMSP', 1),
                    consenter(2, 'HKMSP', 2),
                    consenter(3, 'THMSP', 3),
                    consenter(4, 'THMSP', 4),
                  ],
                },
              },
            },
            groups: {
              HK: { values: { Endpoints: { value: { addresses: ['x.example:1', 'x.example:2'] } } } },
              TH: { values: { Endpoints: { value: { addresses: ['x.example:3', 'x.example:4'] } } } },
            },
            policies: { BlockValidation: { policy: { type: 1, value: {} } } },
          },
        },
      },
    } as unknown as ChannelConfigJson;
    const add = { orgName: 'TH', mspId: 'THMSP', host: 'x.example', port: 5, identityPem: pem, tlsCertPem: pem };
    const grown = applyChange(current, { addConsenter: add }) as Doc;
    const orderer = grown.channel_group.groups.Orderer;
    expect(orderer.values.Orderers.value.consenter_mapping.map((c: Doc) => [c.id, c.msp_id, c.port])).to.deep.equal([
      [1, 'HKMSP', 1],
      [2, 'HKMSP', 2],
      [3, 'THMSP', 3],
      [4, 'THMSP', 4],
      [5, 'THMSP', 5],
    ]);
    expect(orderer.groups.TH.values.Endpoints.value.addresses).to.deep.equal(['x.example:3', 'x.example:4', 'x.example:5']);
    const policy = orderer.policies.BlockValidation.policy.value;
    expect(policy.rule.n_out_of.n, 'quorum of five').to.equal(4);
    expect(policy.identities.map((i: Doc) => [i.principal_classification, i.principal.mspid])).to.have.length(5);
    // taking one of HK's two would leave TH 3 of 4, a quorum; taking two of HK's leaves three nodes
    expect(() => applyChange(grown as ChannelConfigJson, { removeConsenter: 'x.example:1' })).to.throw(
      /THMSP would hold 3 of 4 consenters/,
    );
    expect(() => applyChange(current, { removeConsenter: 'x.example:3' })).to.throw(/at least 4 consenters/);
    expect(() => applyChange(current, { removeConsenter: 'nowhere:1' })).to.throw(/no consenter at nowhere:1/);
    expect(() => applyChange(current, { addConsenter: { ...add, port: 4 } })).to.throw(/already a consenter/);
    const replaced = applyChange(grown as ChannelConfigJson, { removeConsenter: 'x.example:4' }) as Doc;
    expect(replaced.channel_group.groups.Orderer.values.Orderers.value.consenter_mapping.map((c: Doc) => c.id)).to.deep.equal([1, 2, 3, 5]);
    expect(replaced.channel_group.groups.Orderer.policies.BlockValidation.policy.value.rule.n_out_of.n).to.equal(3);
  });

  it('writes units whose environment (with any secret) lives only in the owner-only environment file', () => {
    const spec = {
      name: 'ca-hk',
      command: '/opt/fabric/bin/fabric-ca-server',
      args: ['start', '--csr.hosts', 'a b,c'],
      env: { FABRIC_CA_SERVER_BOOT: 'admin:s3cr"t' },
      ports: [],
      readiness: { kind: 'tcp' as const, host: '127.0.0.1', port: 1 },
    };
    const unit = unitFile(spec, '/etc/xborder/xborder-ca-hk.env', ['xborder-other']);
    expect(unit).to.include('ExecStart=/opt/fabric/bin/fabric-ca-server start --csr.hosts "a b,c"');
    expect(unit).to.include('EnvironmentFile=/etc/xborder/xborder-ca-hk.env');
    expect(unit).to.include('After=network-online.target xborder-other.service');
    expect(unit).not.to.include('s3cr');
    expect(environmentFile(spec.env)).to.equal('FABRIC_CA_SERVER_BOOT="admin:s3cr\\"t"\n');
    // as a dedicated account, writing its organisation's folder only
    const confined = unitFile(spec, '/etc/xborder/e.env', [], { user: 'xborder', home: '/srv/xborder/hk', readOnly: ['/opt/xborder'] });
    for (const line of [
      'User=xborder',
      'Group=xborder',
      'ProtectSystem=strict',
      'ReadWritePaths=/srv/xborder/hk',
      'PrivateTmp=yes',
      'NoNewPrivileges=yes',
    ])
      expect(confined.split('\n'), line).to.include(line);
    // a folder or checkout under /tmp: no private /tmp, which would hide it
    const underTmp = unitFile(spec, '/tmp/e.env', [], { user: 'xborder', home: '/tmp/xb/hk', readOnly: ['/tmp/xb/repo'] });
    expect(underTmp).to.not.include('PrivateTmp');
    expect(underTmp).to.include('ReadWritePaths=/tmp/xb/hk');
  });

  it('parses the per-organisation commands and refuses what they lack', () => {
    expect(parseArgs(['org-init', '--org', 'th', '--host', 'th.example']).options).to.include({ site: 'th', host: 'th.example' });
    expect(() => parseArgs(['org-init'])).to.throw(UsageError, /--org/);
    expect(() => parseArgs(['org-init', '--org', 'orderer'])).to.throw(UsageError, /--org must be one of hk, th, audit/);
    expect(() => parseArgs(['channel-accept', '--block', 'b'])).to.throw(UsageError, /--sha256/);
    expect(() => parseArgs(['channel-accept', '--block', 'b', '--sha256', 'abc'])).to.throw(UsageError, /64 hex digits/);
    expect(parseArgs(['channel-accept', '--block', 'b', '--sha256', 'A'.repeat(64)]).sha256).to.equal('a'.repeat(64));
    expect(() => parseArgs(['config-create', '--out', 'u.pb'])).to.throw(UsageError, /--batch-timeout/);
    expect(parseArgs(['config-create', '--out', 'u.pb', '--max-messages', '20']).change).to.deep.equal({ maxMessageCount: 20 });
    expect(() => parseArgs(['units'])).to.throw(UsageError, /--out/);
    expect(parseArgs(['units', '--out', 'u', '--user', 'xb-hk']).user).to.equal('xb-hk');
    expect(() => parseArgs(['units', '--out', 'u', '--user', 'Root Admin'])).to.throw(UsageError, /--user takes an account name/);
  });
});
