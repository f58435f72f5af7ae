#!/usr/bin/env node
/**
 * The cross-border story on a running network, with the shipped examples: an HK bank shares a STIX
 * bundle about a phishing campaign, a Thai bank reads it and records a sighting, an HK bank attests
 * FPS -> PromptPay payments and the Thai bank confirms them (one ends disputed), and the auditor lists,
 * verifies and reconciles. Safe to run again: everything already on the ledger is reported as such.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { canonicalize, contentCommitment } from '@xborder/protocol';

import { stixObjects } from './inputs';
import {
  answeredTransactions,
  connect,
  corridorOf,
  ingestStix,
  parsePacs002,
  parsePacs008,
  partyValuesOf,
  toPaymentFields,
  toXborderError,
} from '@xborder/sdk';
import { startConsoleService } from './console-service';
import { defaultHome } from './home';
import type { XborderClient } from '@xborder/sdk';
import { checkProof, describeOutcome, parseTrustAnchor } from '@xborder/sdk/audit';
import { seedRegistry } from './seed';

export interface DemoResult {
  readonly intelSubmitted: number;
  readonly intelExisting: number;
  readonly sightingTxId: string;
  readonly payments: { uetr: string; state: string; differingFields: readonly string[] }[];
  readonly verifiedStixId: string;
  readonly reconciliation: { confirmed: number; disputed: number };
  /** How the auditor's offline check of the indicator's proof ended (`holds` on a healthy network). */
  readonly proofOutcome: string;
}

export async function runDemo(options: { home?: string; examples?: string; print?: (line: string) => void } = {}): Promise<DemoResult> {
  const home = options.home ?? defaultHome();
  const examples = options.examples ?? path.resolve(__dirname, '..', '..', 'examples');
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const clients: XborderClient[] = [];
  const as = (identity: string): XborderClient => {
    const c = connect({ identity, home });
    clients.push(c);
    return c;
  };
  const step = (title: string): void => {
    print('');
    print(`== ${title}`);
  };
  try {
    step('Operators register their member banks and the banks\u2019 signing certificates');
    for (const r of await seedRegistry(path.join(examples, 'institutions.json'), home)) {
      print(`  ${r.institution.padEnd(10)} key ${r.fingerprints.map((f) => f.slice(0, 16)).join(', ')}`);
    }

    step('Victoria Harbour Bank (hk-bank-a) shares a STIX 2.1 bundle on the "QR Harbour-Lotus" smishing campaign');
    const bundleFile = path.join(examples, 'intel', 'phishing-campaign-bundle.json');
    const items = stixObjects(fs.readFileSync(bundleFile, 'utf8'), path.basename(bundleFile));
    const hk = as('hk-bank-a');
    const report = await ingestStix(hk.intel, items);
    print(
      `  ${String(report.total)} objects: ${String(report.submitted)} submitted, ${String(report.existing)} already on the ledger, ${String(report.skipped)} skipped (TLP marking definitions), ${String(report.rejected)} rejected`,
    );
    for (const o of report.outcomes.filter((x) => x.status === 'submitted' || x.status === 'existing')) {
      print(`  ${(o.tlp ?? '').padEnd(12)} ${(o.stixId ?? '').padEnd(70)} tx ${(o.transactionId ?? '').slice(0, 16)}`);
    }
    const bundle = items.map((i) => i.object as Record<string, unknown>);
    const indicator = bundle.find((o) => o.type === 'indicator' && JSON.stringify(o.object_marking_refs).includes('55d920b0'));
    const strict = bundle.find((o) => JSON.stringify(o.object_marking_refs ?? []).includes('939a9414'));
    if (!indicator || !strict) throw new Error('the example bundle needs an AMBER indicator and an AMBER+STRICT object');

    step('Chao Phraya Commercial Bank (th-bank-a) reads the AMBER indicator and records a sighting');
    const th = as('th-bank-a');
    const content = await th.intel.content(String(indicator.id), String(indicator.modified));
    print(`  read ${String(indicator.id)}: "${String((content.object as Record<string, unknown>).name)}"`);
    try {
      await th.intel.content(String(strict.id), String(strict.modified));
      throw new Error('the AMBER+STRICT object must not be readable by TH');
    } catch (err) {
      print(`  the AMBER+STRICT object stays with HK: ${toXborderError(err).code}`);
    }
    const sighting = await th.intel.sight({
      stixId: String(indicator.id),
      count: 17,
      firstSeen: '2026-11-24T01:10:00Z',
      lastSeen: '2026-11-25T00:40:00Z',
    });
    print(`  sighting recorded in tx ${sighting.txId.slice(0, 16)} (count ${String(sighting.count)})`);

    step('hk-bank-a attests two FPS -> PromptPay payments from its pacs.008; th-bank-a confirms with its pacs.002');
    const sent = parsePacs008(fs.readFileSync(path.join(examples, 'payments', 'pacs008-hk-th.xml')));
    // agents resolve to registered institutions (by BIC or clearing membership), which give the corridor
    const institutions = await hk.registry.operatorInstitutions();
    for (const tx of sent.transactions) {
      // payer and payee values go to the operators' chaincode only, which commits to them
      const r = await hk.payments.attest(toPaymentFields(sent, tx, await corridorOf(tx, institutions)), partyValuesOf(tx));
      print(
        `  attested ${tx.uetr} ${tx.amount.currency} ${tx.amount.value} -> ${tx.settlementAmount.currency} ${tx.settlementAmount.value}${r.created ? '' : ' (already on the ledger)'} tx ${r.record.attestTxId.slice(0, 16)}`,
      );
    }
    const copy = parsePacs008(fs.readFileSync(path.join(examples, 'payments', 'pacs008-hk-th-receiver-copy.xml')));
    const status = parsePacs002(fs.readFileSync(path.join(examples, 'payments', 'pacs002-th-status.xml')));
    const payments: DemoResult['payments'] = [];
    for (const { tx, status: s, reasonCode } of answeredTransactions(status, copy)) {
      const r = await th.payments.confirm(toPaymentFields(copy, tx, await corridorOf(tx, institutions)), partyValuesOf(tx), {
        status: s,
        reasonCode,
        statusMessageHash: status.messageHash,
      });
      payments.push({ uetr: tx.uetr, state: r.record.state, differingFields: r.record.differingFields });
      const why = r.record.differingFields.length > 0 ? ` - the TH copy differs in ${r.record.differingFields.join(', ')}` : '';
      print(`  ${s} for ${tx.uetr}: ${r.record.state}${why} tx ${r.confirmation.txId.slice(0, 16)}`);
    }

    step('The auditor (audit-1) lists, verifies one intel record and its signature, and reconciles the day');
    const auditor = as('audit-1');
    const listed = await auditor.intel.list({ filter: 'producer', value: 'hk-bank-a', pageSize: 200 });
    print(`  ${String(listed.items.length)} intel records from hk-bank-a on the ledger`);
    // the auditor cannot read content; th-bank-a hands it an opening (the object and its salt)
    const opening = content.opening;
    const commitment = contentCommitment(opening.salt, canonicalize(opening.object));
    const verified = await auditor.intel.verify(commitment);
    const record = verified.record;
    if (!verified.found || !record) throw new Error('the indicator is not on the ledger');
    const signingKey = await auditor.registry.getKey(record.signerFingerprint);
    const { X509Certificate, verify } = await import('node:crypto');
    const signatureOk = verify(
      'sha256',
      Buffer.from(record.statement),
      new X509Certificate(signingKey.certificate).publicKey,
      Buffer.from(record.signature, 'base64'),
    );
    print(`  ${String(indicator.id)}`);
    print(
      `    the opening from th-bank-a gives commitment ${commitment}: on the ledger (tx ${record.txId.slice(0, 16)} at ${record.txTime})`,
    );
    print(
      `    signed by ${record.producer} with key ${record.signerFingerprint.slice(0, 16)}: signature ${signatureOk ? 'valid' : 'INVALID'}`,
    );
    try {
      await auditor.intel.content(String(indicator.id), String(indicator.modified));
    } catch (err) {
      print(`    content itself is not readable by auditors: ${toXborderError(err).code}`);
    }
    const date = sent.transactions[0]?.settlementDate ?? '';
    const rec = await auditor.payments.reconcile(date, 'HK-TH');
    for (const t of rec.totals)
      print(
        `  ${t.state.padEnd(10)} ${String(t.count).padStart(3)}  ${t.currency} ${t.amount} -> ${t.settlementCurrency} ${t.settlementAmount}`,
      );
    for (const d of rec.disputed) print(`  disputed ${d.uetr}: ${d.differingFields.join(', ')}`);

    step('Both operators checkpoint the chain; the auditor proves the record and checks the proof offline against the anchor');
    // HK signs the current height; TH co-signs that height from its own peer
    const hkAdmin = as('hk-admin');
    const hkCheckpoint = await hkAdmin.audit.recordCheckpoint(await hkAdmin.audit.height());
    const thCheckpoint = await as('th-admin').audit.recordCheckpoint(hkCheckpoint.height);
    print(
      `  HK and TH admins signed height ${String(thCheckpoint.height)} (${hkCheckpoint.blockHash.slice(0, 16)}...) with its validity chain`,
    );
    const anchor = parseTrustAnchor(fs.readFileSync(path.join(home, 'channel', 'anchor.json'), 'utf8'));
    const proof = await auditor.audit.proof(`intel:${String(indicator.id)}`);
    const checked = await checkProof(proof, { anchor: { anchor } });
    print(`  proof of ${String(indicator.id)}: ${String(checked.checks.length)} checks, ${describeOutcome(checked)}`);
    print(
      `  (publish ${path.join(home, 'channel', 'anchor.json')}; auditors run \`xborder audit check-proof proof.json --anchor anchor.json\`)`,
    );
    const count = (state: string): number => rec.totals.filter((t) => t.state === state).reduce((n, t) => n + t.count, 0);

    print('');
    print('The network keeps running. Next: `npm run xborder -- --help`, `npm run network:status`; stop it with `npm run network:down`.');
    return {
      intelSubmitted: report.submitted,
      intelExisting: report.existing,
      sightingTxId: sighting.txId,
      payments,
      verifiedStixId: String(indicator.id),
      reconciliation: { confirmed: count('CONFIRMED'), disputed: count('DISPUTED') },
      proofOutcome: checked.outcome,
    };
  } finally {
    for (const c of clients) c.close();
  }
}

if (require.main === module) {
  runDemo()
    .then(async () => {
      const home = defaultHome();
      const c = await startConsoleService(home);
      process.stdout.write(
        `\nAuditor console (audit-1, read only) ${c.state === 'running' ? 'still ' : ''}at ${c.url}\n` +
          `  open the address in ${path.relative(process.cwd(), c.accessFile)} (it carries the access token); \`npm run network:down\` stops it too\n`,
      );
    })
    .then(
      () => undefined,
      (err: unknown) => {
        const e = toXborderError(err);
        process.stderr.write(`demo failed: ${e.code}: ${e.message}\n`);
        process.exitCode = 1;
      },
    );
}
