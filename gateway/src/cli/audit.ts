import { createHash } from 'node:crypto';
import * as fs from 'node:fs';

import type { Command } from 'commander';

import { canonicalize } from '@xborder/chaincode/dist/shared/jcs';

import { blockHeaderHash, decodeBlock } from '../audit/ledger';
import { checkProof } from '../audit/proof';
import { buildReport, reportCsv } from '../audit/report';
import type { Proof } from '../audit/proof';
import { XborderError } from '../errors';
import { MAX_MESSAGE_BYTES, parsePacs008 } from '../iso20022';
import { readFileLimited } from './inputs';
import { outputFor, withClient } from './context';
import { nonNegative } from './numbers';
import { table } from './output';

function readProof(file: string): Proof {
  let proof: unknown;
  try {
    proof = JSON.parse(readFileLimited(file, 64 * 1024 * 1024).toString('utf8'));
  } catch (err) {
    if (err instanceof XborderError) throw err;
    throw new XborderError('BAD_INPUT', `${file}: not JSON`);
  }
  if (typeof proof !== 'object' || proof === null || (proof as { kind?: unknown }).kind !== 'xborder-proof')
    throw new XborderError('BAD_INPUT', `${file}: not an xborder proof`);
  return proof as Proof;
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('auditor tools: proofs, offline checks, ledger verification');

  audit
    .command('proof')
    .description('a self-contained proof of a record: intel:<stixId>[@modified], payment:<uetr> or tx:<txId>')
    .argument('<target>')
    .requiredOption('-o, --output <file>', 'where to write the proof (JSON)')
    .action(async (target: string, opts: { output: string }, cmd: Command) => {
      const proof = await withClient(cmd, undefined, (c) => c.audit.proof(target));
      fs.writeFileSync(opts.output, `${JSON.stringify(proof, null, 2)}\n`);
      const report = checkProof(proof);
      outputFor(cmd).result({ file: opts.output, txId: proof.txId, blockNumber: proof.blockNumber, selfCheck: report.ok }, (print) => {
        print(`proof of ${target}: transaction ${proof.txId} in block ${proof.blockNumber} -> ${opts.output}`);
        print(`self-check: ${report.ok ? 'all checks pass' : `FAILED at ${report.failed ?? '?'}`}`);
      });
      if (!report.ok) process.exitCode = 1;
    });

  audit
    .command('check-proof')
    .description('verify a proof with no network; names the exact failing check')
    .argument('<proof>', 'proof file')
    .option('--content <file>', 'the STIX object (JSON) to check against the recorded content hash')
    .action((file: string, opts: { content?: string }, cmd: Command) => {
      const proof = readProof(file);
      const content = opts.content !== undefined ? readFileLimited(opts.content, MAX_MESSAGE_BYTES).toString('utf8') : undefined;
      const report = checkProof(proof, content !== undefined ? { content } : {});
      outputFor(cmd).result(report, (print) => {
        for (const line of table(report.checks.map((c) => [c.ok ? 'ok' : 'FAIL', c.name, c.detail]))) print(line);
        print(
          report.ok
            ? `proof holds: block ${String(report.summary.blockNumber)} (${String(report.summary.blockHash)})`
            : `proof FAILED at ${report.failed ?? '?'}`,
        );
      });
      if (!report.ok) process.exitCode = 1;
    });

  audit
    .command('verify')
    .description('hash a local STIX object (.json) or pacs.008 (.xml) and show the matching ledger record')
    .argument('<file>')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const bytes = readFileLimited(file, MAX_MESSAGE_BYTES);
      const text = bytes.toString('utf8');
      if (text.trimStart().startsWith('<')) {
        const message = parsePacs008(bytes);
        const rows = await withClient(cmd, undefined, async (c) => {
          const out: {
            uetr: string;
            messageHash: string;
            onLedger: boolean;
            state: string | null;
            attestTxId: string | null;
            matches: boolean;
          }[] = [];
          for (const tx of message.transactions) {
            try {
              const p = await c.payments.get(tx.uetr);
              out.push({
                uetr: tx.uetr,
                messageHash: tx.messageHash,
                onLedger: true,
                state: p.record.state,
                attestTxId: p.record.attestTxId,
                matches: p.record.messageHash === tx.messageHash,
              });
            } catch {
              out.push({ uetr: tx.uetr, messageHash: tx.messageHash, onLedger: false, state: null, attestTxId: null, matches: false });
            }
          }
          return out;
        });
        outputFor(cmd).result(rows, (print) => {
          for (const line of table(
            rows.map((r) => [
              r.uetr,
              r.onLedger ? (r.matches ? 'matches the attested hash' : 'DIFFERS from the attested hash') : 'not on the ledger',
              r.state ?? '',
              r.attestTxId ?? '',
            ]),
          ))
            print(line);
        });
        if (rows.some((r) => !r.matches)) process.exitCode = 1;
        return;
      }
      let object: unknown;
      try {
        object = JSON.parse(text);
      } catch {
        throw new XborderError('BAD_INPUT', `${file}: neither JSON nor XML`);
      }
      const hash = createHash('sha256').update(canonicalize(object)).digest('hex');
      const result = await withClient(cmd, undefined, (c) => c.intel.verify(hash));
      outputFor(cmd).result(result, (print) => {
        const r = result.record;
        if (!result.found || !r) {
          print(`${hash}: not on the ledger`);
          return;
        }
        for (const line of table([
          ['content hash', hash],
          ['record', `${r.stixId} version ${r.modified}`],
          ['signer', `${r.producer} (${r.mspId}) key ${r.signerFingerprint.slice(0, 16)}`],
          ['time', `${r.txTime} in ${r.txId}`],
          ['revoked', r.revoked ? `yes: ${r.revokeReason ?? ''}` : 'no'],
          ['proof', `xborder audit proof intel:${r.stixId}@${r.modified} -o proof.json`],
        ]))
          print(line);
      });
      if (!result.found) process.exitCode = 1;
    });

  audit
    .command('report')
    .description('activity between two dates: intel by institution, TLP and type; payments by corridor, currency and state')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD (UTC)')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (inclusive)')
    .option('--format <format>', 'json or csv', 'json')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action(async (opts: { from: string; to: string; format: string; output?: string }, cmd: Command) => {
      if (opts.format !== 'json' && opts.format !== 'csv') throw new XborderError('USAGE', '--format must be json or csv');
      const report = await withClient(cmd, undefined, (c) => buildReport(c.intel, c.payments, opts.from, opts.to));
      const text = opts.format === 'csv' ? reportCsv(report) : `${JSON.stringify(report, null, 2)}\n`;
      if (opts.output !== undefined) {
        fs.writeFileSync(opts.output, text);
        outputFor(cmd).result({ file: opts.output, manifest: report.manifest }, (print) => {
          print(`report ${opts.from}..${opts.to} -> ${opts.output ?? ''} (sha256 manifest ${report.manifest.digest})`);
        });
      } else {
        process.stdout.write(text);
      }
    });

  audit
    .command('checkpoint')
    .description(
      "sign and record your operator's view of the chain at a height (operator admins); by default the other operator's latest unmatched height, else the current one",
    )
    .option('--height <n>', 'height to sign (the hash of block height-1 on your own peer)')
    .action(async (opts: { height?: string }, cmd: Command) => {
      const height = nonNegative(opts.height, '--height');
      const c = await withClient(cmd, undefined, (client) => client.audit.recordCheckpoint(height));
      outputFor(cmd).result(c, (print) => {
        print(`${c.mspId} checkpoint at height ${String(c.height)}: ${c.blockHash} (tx ${c.txId})`);
      });
    });

  audit
    .command('checkpoints')
    .description('list checkpoints, verify both operators signed the same hash, and compare with the chain')
    .action(async (_o: unknown, cmd: Command) => {
      const rows = await withClient(cmd, undefined, async (client) => {
        const all = await client.audit.checkpoints();
        const heights = [...new Set(all.map((c) => c.height))].sort((a, b) => a - b);
        const out: {
          height: number;
          blockHash: string | null;
          signedBy: string[];
          signaturesValid: boolean;
          operatorsAgree: boolean;
          matchesChain: boolean;
        }[] = [];
        for (const h of heights) {
          const sigs = all.filter((c) => c.height === h);
          const hashes = [...new Set(sigs.map((c) => c.blockHash))];
          const block = decodeBlock(await client.audit.blockByNumber(h - 1)).getHeader();
          const chainHash = block ? blockHeaderHash(block).toString('hex') : '';
          out.push({
            height: h,
            blockHash: hashes.length === 1 ? (hashes[0] ?? null) : null,
            signedBy: sigs.map((c) => c.mspId),
            signaturesValid: sigs.every((c) => c.signatureValid),
            operatorsAgree: hashes.length === 1 && ['HKMSP', 'THMSP'].every((m) => sigs.some((c) => c.mspId === m)),
            matchesChain: hashes.length === 1 && hashes[0] === chainHash,
          });
        }
        return out;
      });
      outputFor(cmd).result(rows, (print) => {
        for (const line of table(
          rows.map((r) => [
            String(r.height),
            r.blockHash ?? 'HASHES DIFFER',
            r.signedBy.join('+'),
            r.signaturesValid ? 'signatures ok' : 'BAD SIGNATURE',
            r.operatorsAgree ? 'both operators' : 'one operator',
            r.matchesChain ? 'matches chain' : 'DOES NOT MATCH CHAIN',
          ]),
        ))
          print(line);
        if (rows.length === 0) print('no checkpoints yet: operator admins record them with `xborder audit checkpoint`');
      });
      if (rows.some((r) => !r.signaturesValid || !r.matchesChain)) process.exitCode = 1;
    });

  audit
    .command('verify-chain')
    .description('check data hashes, previous-hash links and orderer signatures over a block range')
    .option('--from <n>', 'first block', '0')
    .option('--to <n>', 'last block (default: the current tip)')
    .action(async (opts: { from: string; to?: string }, cmd: Command) => {
      const out = outputFor(cmd);
      const from = nonNegative(opts.from, '--from') ?? 0;
      const to = nonNegative(opts.to, '--to');
      const report = await withClient(cmd, undefined, (c) =>
        c.audit.verifyChain(from, to, (done, total) => {
          out.progress(done, total, 'verifying');
        }),
      );
      out.result(report, (print) => {
        print(
          report.ok
            ? `blocks ${String(report.from)}..${String(report.to)} verified; tip ${report.tipHash}`
            : `chain BROKEN at block ${String(report.firstBreak?.block)}: ${report.firstBreak?.reason ?? ''}`,
        );
      });
      if (!report.ok) process.exitCode = 1;
    });
}
