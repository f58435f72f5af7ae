import * as fs from 'node:fs';

import type { Command } from 'commander';

import { contentCommitment, OPERATOR_MSPS } from '@xborder/protocol';

import { MAX_MESSAGE_BYTES, parsePacs008, XborderError } from '@xborder/sdk';
import {
  blockHeaderHash,
  buildReport,
  checkProof,
  decodeBlock,
  describeOutcome,
  OUTCOME_EXIT_CODES,
  parseTrustAnchor,
  proofFile,
  reportCsv,
  trustAnchorOf,
} from '@xborder/sdk/audit';
import type { Anchor, Proof } from '@xborder/sdk/audit';
import { readContentToCheck, readFileLimited } from './inputs';
import { outputFor, withClient } from './context';
import { nonNegative, seconds } from './numbers';
import { table } from './output';

/** Hash of the proof's own genesis block (for the builder's self-check only). */
function genesisOf(proof: Proof): string {
  const first = proof.configBlocks[0];
  const header = first !== undefined ? decodeBlock(Buffer.from(first, 'base64')).getHeader() : undefined;
  return header ? blockHeaderHash(header).toString('hex') : '';
}

/** `--content` of check-proof: a pacs.008 or STIX text as is, or an opening's object and salt. */
function contentOption(file: string, salt: string | undefined): { content: string; salt?: string } {
  const text = readFileLimited(file, MAX_MESSAGE_BYTES).toString('utf8');
  if (text.trimStart().startsWith('<')) return { content: text };
  const c = readContentToCheck(file, salt);
  return { content: c.canonical, ...(c.salt !== undefined ? { salt: c.salt } : {}) };
}

function readProof(file: string): Proof {
  let proof: unknown;
  try {
    proof = JSON.parse(readFileLimited(file, 64 * 1024 * 1024).toString('utf8'));
  } catch (err) {
    if (err instanceof XborderError) throw err;
    throw new XborderError('BAD_INPUT', `${file}: not JSON`);
  }
  return proofFile(proof, `${file}: not an xborder proof`);
}

/** The trust anchor from `--anchor FILE` or `--genesis HASH`, if given. */
function anchorOption(opts: { anchor?: string; genesis?: string }): Anchor | undefined {
  if (opts.anchor !== undefined && opts.genesis !== undefined) throw new XborderError('USAGE', 'give --anchor or --genesis, not both');
  if (opts.anchor !== undefined) return { anchor: parseTrustAnchor(readFileLimited(opts.anchor, 1024 * 1024).toString('utf8')) };
  if (opts.genesis !== undefined) {
    const hash = opts.genesis.toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hash))
      throw new XborderError('USAGE', '--genesis must be the 64-hex-digit hash of the genesis block header');
    return { genesisHash: hash };
  }
  return undefined;
}

/** Exit code of verify-chain when every block checks but nothing anchors block 0 (as check-proof's). */
const CHAIN_UNANCHORED_EXIT = OUTCOME_EXIT_CODES.unanchored;

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
      // the self-check anchors to the serving peer's own genesis block: it catches a broken proof,
      // not a dishonest peer (auditors check with the published anchor)
      const report = await checkProof(proof, { anchor: { genesisHash: genesisOf(proof) } });
      outputFor(cmd).result(
        { file: opts.output, txId: proof.txId, blockNumber: proof.blockNumber, selfCheck: report.outcome, failed: report.failed },
        (print) => {
          print(`proof of ${target}: transaction ${proof.txId} in block ${proof.blockNumber} -> ${opts.output}`);
          print(`self-check: ${describeOutcome(report)}`);
        },
      );
      if (report.outcome === 'failed') process.exitCode = 1;
    });

  audit
    .command('check-proof')
    .description('verify a proof with no network; names the exact failing check')
    .argument('<proof>', 'proof file')
    .option('--content <file>', 'an opening (xborder intel content --opening) or the STIX object to check against the record')
    .option('--salt <hex>', 'the salt of the commitment, when --content is a bare STIX object')
    .option('--anchor <file>', 'the trust anchor the operators published (xborder audit anchor)')
    .option('--genesis <hash>', 'only the published genesis block hash, instead of --anchor')
    .addHelpText(
      'after',
      '\nExit codes: 0 proof holds (anchored, co-signed); 1 a check failed; 3 valid according to the serving peer, not yet co-signed; 4 unanchored (no --anchor or --genesis).',
    )
    .action(async (file: string, opts: { content?: string; salt?: string; anchor?: string; genesis?: string }, cmd: Command) => {
      const proof = readProof(file);
      const anchor = anchorOption(opts);
      const content = opts.content !== undefined ? contentOption(opts.content, opts.salt) : undefined;
      const report = await checkProof(proof, { ...(content ?? {}), ...(anchor ? { anchor } : {}) });
      const mark = { pass: 'ok', fail: 'FAIL', unanchored: 'UNANCHORED', uncovered: 'PENDING' } as const;
      outputFor(cmd).result(report, (print) => {
        for (const line of table(report.checks.map((c) => [mark[c.status], c.name, c.detail]))) print(line);
        print(describeOutcome(report));
      });
      process.exitCode = OUTCOME_EXIT_CODES[report.outcome];
    });

  audit
    .command('verify')
    .description(
      'check a content opening (.json from `intel content --opening`, or a STIX object with --salt) or a pacs.008 (.xml) against the ledger',
    )
    .argument('<file>')
    .option('--salt <hex>', 'the salt of the commitment, when the file is a bare STIX object')
    .action(async (file: string, opts: { salt?: string }, cmd: Command) => {
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
      const content = readContentToCheck(file, opts.salt);
      if (content.salt === undefined) {
        throw new XborderError(
          'USAGE',
          `${file} is a bare STIX object: records commit to content with a salt; give --salt, or an opening file (xborder intel content --opening)`,
        );
      }
      const commitment = contentCommitment(content.salt, content.canonical);
      const result = await withClient(cmd, undefined, (c) => c.intel.verify(commitment));
      // an opening names its version: the commitment must be that version's, not just any record's
      const r0 = result.record;
      const versionMatches = !r0 || content.stixId === undefined || (r0.stixId === content.stixId && r0.modified === content.modified);
      outputFor(cmd).result({ ...result, versionMatches }, (print) => {
        const r = result.record;
        if (!result.found || !r) {
          print(`${commitment}: not on the ledger (wrong salt, changed content, or never recorded)`);
          return;
        }
        if (!versionMatches)
          print(`the opening names ${content.stixId ?? ''} ${content.modified ?? ''}, the commitment is of another version`);
        for (const line of table([
          ['content commitment', commitment],
          ['record', `${r.stixId} version ${r.modified}`],
          ['signer', `${r.producer} (${r.mspId}) key ${r.signerFingerprint.slice(0, 16)}`],
          ['time', `${r.txTime} in ${r.txId}`],
          ['revoked', r.revoked ? `yes: ${r.revokeReason ?? ''}` : 'no'],
          ['proof', `xborder audit proof intel:${r.stixId}@${r.modified} -o proof.json`],
        ]))
          print(line);
      });
      if (!result.found || !versionMatches) process.exitCode = 1;
    });

  audit
    .command('report')
    .description('activity between two dates: intel by institution, TLP and type; payments by corridor, currency and state')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD (UTC)')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (inclusive)')
    .option('--format <format>', 'json or csv', 'json')
    .option('--institution <id>', 'only this institution: its intel and sightings, the payments it sent or received')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action(async (opts: { from: string; to: string; format: string; institution?: string; output?: string }, cmd: Command) => {
      if (opts.format !== 'json' && opts.format !== 'csv') throw new XborderError('USAGE', '--format must be json or csv');
      const report = await withClient(cmd, undefined, (c) => buildReport(c.intel, c.payments, opts.from, opts.to, opts.institution));
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
    .command('anchor')
    .description("the channel's trust anchor (genesis block hash and CA root fingerprints) as JSON, to publish and to check proofs with")
    .option('--genesis-block <file>', "compute it offline from the channel's genesis block file instead of asking the peer")
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action(async (opts: { genesisBlock?: string; output?: string }, cmd: Command) => {
      const anchor =
        opts.genesisBlock !== undefined
          ? trustAnchorOf(readFileLimited(opts.genesisBlock, 64 * 1024 * 1024))
          : await withClient(cmd, undefined, (c) => c.audit.anchor());
      const text = `${JSON.stringify(anchor, null, 2)}\n`;
      if (opts.output !== undefined) {
        fs.writeFileSync(opts.output, text);
        outputFor(cmd).result({ file: opts.output, genesisHash: anchor.genesisHash }, (print) => {
          print(`trust anchor of ${anchor.channel} (genesis ${anchor.genesisHash}) -> ${opts.output ?? ''}`);
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
    .option('--follow', 'keep checkpointing: co-sign the other operator, sign new heights, until interrupted')
    .option('--interval <seconds>', 'with --follow: how often to look for new blocks', '10')
    .action(async (opts: { height?: string; follow?: boolean; interval: string }, cmd: Command) => {
      const height = nonNegative(opts.height, '--height');
      if (opts.follow) {
        if (height !== undefined) throw new XborderError('USAGE', '--follow signs the current height; give no --height');
        const interval = seconds(opts.interval, '--interval', 0.2);
        const out = outputFor(cmd);
        const controller = new AbortController();
        const stop = (): void => {
          controller.abort();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        await withClient(cmd, undefined, (client) =>
          client.audit.followCheckpoints({
            intervalMs: interval * 1000,
            signal: controller.signal,
            onCheckpoint: (c) => {
              out.result(c, (print) => {
                print(`${c.mspId} checkpoint at height ${String(c.height)}: ${c.blockHash} (tx ${c.txId})`);
              });
            },
            onError: (e) => {
              process.stderr.write(`checkpoint not recorded: ${e.code}: ${e.message}\n`);
            },
          }),
        );
        return;
      }
      const c = await withClient(cmd, undefined, (client) => client.audit.recordCheckpoint(height));
      outputFor(cmd).result(c, (print) => {
        print(`${c.mspId} checkpoint at height ${String(c.height)}: ${c.blockHash} (tx ${c.txId})`);
      });
    });

  audit
    .command('checkpoints')
    .description('list checkpoints, verify both operators signed the same hash, and compare with the chain')
    .action(async (_o: unknown, cmd: Command) => {
      let chainHeight = 0;
      const rows = await withClient(cmd, undefined, async (client) => {
        chainHeight = await client.audit.height();
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
          // operators agree when they signed the same header hash and the same validity chain
          const hashes = [...new Set(sigs.map((c) => c.blockHash))];
          const views = new Set(sigs.map((c) => `${c.blockHash}/${c.validity}`));
          const block = decodeBlock(await client.audit.blockByNumber(h - 1)).getHeader();
          const chainHash = block ? blockHeaderHash(block).toString('hex') : '';
          out.push({
            height: h,
            blockHash: hashes.length === 1 ? (hashes[0] ?? null) : null,
            signedBy: sigs.map((c) => c.mspId),
            signaturesValid: sigs.every((c) => c.signatureValid),
            operatorsAgree: views.size === 1 && OPERATOR_MSPS.every((m) => sigs.some((c) => c.mspId === m)),
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
        // how far behind the chain the newest height both operators signed alike is (checkpointing health)
        const cosigned = Math.max(0, ...rows.filter((r) => r.operatorsAgree && r.matchesChain).map((r) => r.height));
        print(
          cosigned > 0
            ? `co-signed by both operators up to height ${String(cosigned)} of ${String(chainHeight)}: ${String(chainHeight - cosigned)} block(s) behind`
            : `no height co-signed by both operators yet; chain height ${String(chainHeight)}`,
        );
      });
      if (rows.some((r) => !r.signaturesValid || !r.matchesChain)) process.exitCode = 1;
    });

  audit
    .command('verify-chain')
    .description('check data hashes, previous-hash links and orderer signatures over a block range')
    .option('--from <n>', 'first block', '0')
    .option('--to <n>', 'last block (default: the current tip)')
    .option('--anchor <file>', 'the trust anchor the operators published (xborder audit anchor)')
    .option('--genesis <hash>', 'only the published genesis block hash, instead of --anchor')
    .addHelpText('after', '\nExit codes: 0 verified and anchored; 1 broken; 4 every block checks but nothing anchors the genesis block.')
    .action(async (opts: { from: string; to?: string; anchor?: string; genesis?: string }, cmd: Command) => {
      const out = outputFor(cmd);
      const from = nonNegative(opts.from, '--from') ?? 0;
      const to = nonNegative(opts.to, '--to');
      const anchor = anchorOption(opts);
      const report = await withClient(cmd, undefined, (c) =>
        c.audit.verifyChain(from, to, {
          ...(anchor ? { anchor } : {}),
          onProgress: (done, total) => {
            out.progress(done, total, 'verifying');
          },
        }),
      );
      out.result(report, (print) => {
        print(
          report.outcome === 'verified'
            ? `blocks ${String(report.from)}..${String(report.to)} verified; tip ${report.tipHash}`
            : report.outcome === 'unanchored'
              ? `blocks ${String(report.from)}..${String(report.to)} are consistent but UNANCHORED (give --anchor or --genesis); genesis ${String(report.genesisHash)}`
              : `chain BROKEN at block ${String(report.firstBreak?.block)}: ${report.firstBreak?.reason ?? ''}`,
        );
      });
      process.exitCode = report.outcome === 'verified' ? 0 : report.outcome === 'unanchored' ? CHAIN_UNANCHORED_EXIT : 1;
    });
}
