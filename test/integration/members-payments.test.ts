/**
 * Payments as banks send them, and the lifecycle of member institutions, through the CLI on the real
 * network: agents named by clearing membership only, several creditor agents in one message, a group
 * status, NOTPROVIDED end-to-end ids; institution changes with history, suspension and reactivation.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { expect } from 'chai';

import { testNetwork } from '../support/network-hooks';
import { EXAMPLES, REPO_ROOT } from '../support/paths';

const CLI = path.join(REPO_ROOT, 'cli', 'dist', 'main.js');
const PAY = path.join(EXAMPLES, 'payments');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: () => any;
}

function xborder(args: string[], input?: string): Run {
  const r = spawnSync(process.execPath, [CLI, ...args, '--json'], {
    env: { ...process.env, XB_HOME: testNetwork.home, XB_IDENTITY: '' },
    input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

describe('payments as banks send them, and member institutions, through the CLI', function () {
  this.timeout(300_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-members-'));
  after(() => {
    // leave hk-bank-b as the seed has it, whatever happened
    xborder(['registry', 'activate', 'hk-bank-b', '--as', 'hk-admin']);
    xborder(['registry', 'update', 'hk-bank-b', '--bic', 'KPBKHKHHXXX', '--as', 'hk-admin']);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('attests a message whose creditor agents are named by HKNCC membership only, and confirms by group status and NOTPROVIDED', () => {
    const attested = xborder(['payment', 'attest', path.join(PAY, 'pacs008-th-hk-clearing.xml'), '--as', 'th-bank-a']);
    expect(attested.code, attested.stdout + attested.stderr).to.equal(0);
    const txs = attested.json().transactions as { uetr: string; status: string }[];
    expect(txs.map((t) => t.status).every((s) => s === 'attested' || s === 'existing')).to.equal(true);
    expect(txs).to.have.length(2);
    // hk-bank-a's group status answers for its own transaction only
    const group = xborder([
      'payment',
      'confirm',
      path.join(PAY, 'pacs002-hk-group-status.xml'),
      '--pacs008',
      path.join(PAY, 'pacs008-th-hk-clearing.xml'),
      '--as',
      'hk-bank-a',
    ]);
    expect(group.code, group.stdout + group.stderr).to.equal(0);
    expect((group.json().transactions as { uetr: string; state: string }[]).map((t) => [t.uetr, t.state])).to.deep.equal([
      ['3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', 'CONFIRMED'],
    ]);
    const notProvided = xborder([
      'payment',
      'confirm',
      path.join(PAY, 'pacs002-hk-notprovided.xml'),
      '--pacs008',
      path.join(PAY, 'pacs008-th-hk-clearing.xml'),
      '--as',
      'hk-bank-b',
    ]);
    expect(notProvided.code, notProvided.stdout + notProvided.stderr).to.equal(0);
    expect(notProvided.json().transactions[0]).to.include({ uetr: '4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a', state: 'CONFIRMED' });
    // hk-bank-a cannot confirm hk-bank-b's transaction: the chaincode resolves the membership too
    const forced = xborder([
      'payment',
      'confirm',
      path.join(PAY, 'pacs002-hk-notprovided.xml'),
      '--pacs008',
      path.join(PAY, 'pacs008-th-hk-clearing.xml'),
      '--as',
      'hk-bank-a',
    ]);
    expect(forced.code).to.equal(1);
    expect(forced.json().transactions[0]).to.include({ status: 'rejected', code: 'PAYMENT_WRONG_SIDE' });
  });

  it('refuses an agent whose BIC and membership name two institutions, on the client and on the chaincode, writing nothing', () => {
    // a copy under new ids whose first creditor agent has hk-bank-b's BIC and hk-bank-a's membership
    const split = fs
      .readFileSync(path.join(PAY, 'pacs008-th-hk-clearing.xml'), 'utf8')
      .replace('CPCB20261126FP000204', 'CPCB20261126FP000999')
      .replace('3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b')
      .replace('4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a', '6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c')
      .replace(/<CdtrAgt>\s*<FinInstnId>/, '<CdtrAgt><FinInstnId><BICFI>KPBKHKHHXXX</BICFI>');
    expect(split).to.include('<BICFI>KPBKHKHHXXX</BICFI>');
    const file = path.join(tmp, 'split.xml');
    fs.writeFileSync(file, split);
    const client = xborder(['payment', 'attest', file, '--as', 'th-bank-a']);
    expect(client.code).to.equal(1);
    expect(client.json().transactions[0]).to.include({ status: 'rejected', code: 'PAYMENT_INVALID' });
    expect(client.json().transactions[0].reason).to.match(/BIC KPBKHKHHXXX is hk-bank-b but clearing member 801 is hk-bank-a/);
    // with --corridor the client does not resolve; the chaincode refuses the same agent
    const chain = xborder(['payment', 'attest', file, '--corridor', 'TH-HK', '--as', 'th-bank-a']);
    expect(chain.code).to.equal(1);
    expect(chain.json().transactions[0]).to.include({ status: 'rejected', code: 'PAYMENT_INVALID' });
    const none = xborder(['payment', 'get', '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b', '--as', 'audit-1']);
    expect(none.code).to.not.equal(0);
    expect(none.stdout + none.stderr).to.match(/PAYMENT_NOT_FOUND/);
  });

  it("changes an institution's details with history; refuses ambiguity and other operators; suspension stops it until reactivated", () => {
    const added = xborder(['registry', 'update', 'hk-bank-b', '--bic', 'KPBKHKHHXXX', 'KPBKHKHH2XX', '--as', 'hk-admin']);
    expect(added.code, added.stdout + added.stderr).to.equal(0);
    expect(added.json().bics).to.deep.equal(['KPBKHKHH2XX', 'KPBKHKHHXXX']);
    const taken = xborder(['registry', 'update', 'hk-bank-b', '--bic', 'VHBKHKHH', '--as', 'hk-admin']);
    expect(taken.code).to.not.equal(0);
    expect(taken.stdout + taken.stderr).to.match(/INSTITUTION_CONFLICT/);
    const foreign = xborder(['registry', 'update', 'hk-bank-b', '--name', 'Taken over', '--as', 'th-admin']);
    expect(foreign.code).to.not.equal(0);
    expect(foreign.stdout + foreign.stderr).to.match(/ACCESS_DENIED/);

    const suspended = xborder(['registry', 'suspend', 'hk-bank-b', '--as', 'hk-admin']);
    expect(suspended.code, suspended.stderr).to.equal(0);
    const bundle = path.join(EXAMPLES, 'intel', 'phishing-campaign-bundle.json');
    const refused = xborder(['intel', 'submit', bundle, '--as', 'hk-bank-b']);
    expect(refused.code).to.not.equal(0);
    expect(refused.stdout + refused.stderr).to.match(/INSTITUTION_SUSPENDED/);
    // an AMBER object of the example bundle (submitted by hk-bank-a, readable by every member bank)
    expect(xborder(['intel', 'submit', bundle, '--as', 'hk-bank-a']).code).to.equal(0);
    const objects = (
      JSON.parse(fs.readFileSync(bundle, 'utf8')) as { objects: { id: string; type: string; object_marking_refs?: string[] }[] }
    ).objects;
    const someId =
      objects.find(
        (o) => o.type === 'indicator' && (o.object_marking_refs ?? []).includes('marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421'),
      )?.id ?? '';
    expect(someId).to.match(/^indicator--/);
    const read = xborder(['intel', 'content', someId, '--as', 'hk-bank-b']);
    expect(read.code).to.not.equal(0);
    expect(read.stdout + read.stderr).to.match(/INSTITUTION_SUSPENDED/);
    expect(xborder(['registry', 'activate', 'hk-bank-b', '--as', 'hk-admin']).code).to.equal(0);
    expect(xborder(['intel', 'content', someId, '--as', 'hk-bank-b']).code).to.equal(0);

    // the auditor sees every state
    const history = xborder(['registry', 'history', 'hk-bank-b', '--as', 'audit-1']);
    expect(history.code, history.stderr).to.equal(0);
    const states = (history.json() as { record: { status: string; bics: string[] } }[]).map(
      (h) => `${h.record.status}:${h.record.bics.length}`,
    );
    expect(states.slice(-3)).to.deep.equal(['active:2', 'suspended:2', 'active:2']);
  });
});
