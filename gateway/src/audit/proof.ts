import { createHash, X509Certificate } from 'node:crypto';

import { common } from '@hyperledger/fabric-protos';

import { canonicalize } from '@xborder/chaincode/dist/shared/jcs';

import {
  blockHeaderHash,
  chainsTo,
  computeDataHash,
  decodeBlock,
  mspRoots,
  ordererSignatures,
  parseTransaction,
  validationCodes,
  verifySignature,
  VALIDATION_CODE_VALID,
} from './ledger';

/** An operator's signed view of the chain: `height` blocks, the last one's header hash. */
export interface Checkpoint {
  readonly purpose: 'xborder/checkpoint/v1';
  readonly channel: string;
  readonly height: number;
  readonly blockHash: string;
  readonly mspId: string;
  readonly statement: string;
  readonly signature: string;
  readonly certificate: string;
  readonly txId: string;
  readonly txTime: string;
}

/** A block header as Fabric hashes it (hex fields). */
export interface HeaderLink {
  readonly number: string;
  readonly previousHash: string;
  readonly dataHash: string;
}

/** Whether a checkpoint's signature verifies over exactly its statement. */
export function verifyCheckpoint(c: Checkpoint): boolean {
  const statement = canonicalize({ purpose: c.purpose, channel: c.channel, height: c.height, blockHash: c.blockHash, mspId: c.mspId });
  return statement === c.statement && verifySignature(c.certificate, Buffer.from(statement), Buffer.from(c.signature, 'base64'));
}

/** A self-contained proof that a record was written by a valid transaction, checkable offline. */
export interface Proof {
  readonly version: 1;
  readonly kind: 'xborder-proof';
  readonly channel: string;
  readonly chaincode: string;
  readonly target: { readonly type: 'intel' | 'payment' | 'transaction'; readonly id: string };
  readonly txId: string;
  readonly blockNumber: string;
  readonly txIndex: number;
  /** The ledger key and the exact bytes (UTF-8) the transaction wrote. */
  readonly record: { readonly key: string; readonly value: string };
  /** base64 of the whole block holding the transaction. */
  readonly block: string;
  /** base64 of the channel configuration block in force for that block (MSP roots). */
  readonly configBlock: string;
  /** The producer's registered certificate (intel statements, payment attestations). */
  readonly signerCertificate: string | null;
  /**
   * The nearest later height both operators signed, with the headers that link the proof's block to
   * it: a later truncation or rewrite by one operator contradicts its own signature.
   */
  readonly checkpoint?: { readonly signatures: Checkpoint[]; readonly headers: HeaderLink[] };
  readonly createdAt: string;
}

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface ProofReport {
  readonly ok: boolean;
  /** The first failing check, when there is one. */
  readonly failed: string | null;
  readonly checks: Check[];
  readonly summary: Record<string, unknown>;
}

function linkHash(h: HeaderLink): Buffer {
  const header = new common.BlockHeader();
  header.setNumber(Number(h.number));
  header.setPreviousHash(Buffer.from(h.previousHash, 'hex'));
  header.setDataHash(Buffer.from(h.dataHash, 'hex'));
  return blockHeaderHash(header);
}

/** MSPs whose peers must both have endorsed a record written under the chaincode's AND policy. */
export const OPERATOR_MSPS = ['HKMSP', 'THMSP'] as const;

/**
 * Checks a proof with no network: block data hash and orderer signatures, the transaction's place in
 * the block and its validation code, creator and endorser signatures by both operators, certificate
 * chains to the channel's CA roots, the record in the write set, the producer's signature over the
 * signed statement, and, given the content, its hash. Every check is reported; `failed` names the first.
 */
export function checkProof(proof: Proof, options: { content?: string; trustedRoots?: Map<string, string[]> } = {}): ProofReport {
  const checks: Check[] = [];
  const summary: Record<string, unknown> = {};
  const add = (name: string, ok: boolean, detail: string): boolean => {
    checks.push({ name, ok, detail });
    return ok;
  };
  const finish = (): ProofReport => {
    const failed = checks.find((c) => !c.ok);
    return { ok: failed === undefined, failed: failed?.name ?? null, checks, summary };
  };
  const attempt = <T>(name: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      add(name, false, err instanceof Error ? err.message : String(err));
      return undefined;
    }
  };

  // 1. the configuration block: the CA roots every other check relies on
  const config = attempt('config.decode', () => decodeBlock(Buffer.from(proof.configBlock, 'base64')));
  if (!config) return finish();
  const roots = attempt('config.msp-roots', () => mspRoots(config));
  if (!roots) return finish();
  if (
    !add(
      'config.data-hash',
      computeDataHash(config).equals(Buffer.from(config.getHeader()?.getDataHash_asU8() ?? [])),
      'configuration block data hash',
    )
  )
    return finish();
  const ordererRoots = roots.get('OrdererMSP') ?? [];
  const configHeader = config.getHeader();
  summary.configBlock = {
    number: String(configHeader?.getNumber() ?? '?'),
    hash: configHeader ? blockHeaderHash(configHeader).toString('hex') : null,
  };
  if (configHeader?.getNumber() === 0) {
    // the genesis block carries no orderer signature: it is the channel's trust anchor, and its hash
    // (in the summary) is what auditors compare with the published one
    add('config.genesis', true, `genesis block ${blockHeaderHash(configHeader).toString('hex')}`);
  } else {
    const configSigs = ordererSignatures(config);
    add(
      'config.orderer-signature',
      configSigs.length > 0 && configSigs.every((s) => s.valid && chainsTo(s.signer.certificate, ordererRoots)),
      `${String(configSigs.length)} orderer signature(s) on configuration block ${String(configHeader?.getNumber() ?? '?')}`,
    );
  }
  if (options.trustedRoots) {
    const mismatch = [...options.trustedRoots.entries()].filter(
      ([mspId, certs]) => !certs.every((c) => (roots.get(mspId) ?? []).includes(c)),
    );
    add(
      'config.trusted-roots',
      mismatch.length === 0,
      mismatch.length === 0 ? 'CA roots match the trusted roots' : `differ for ${mismatch.map(([m]) => m).join(', ')}`,
    );
  }
  summary.rootFingerprints = Object.fromEntries(
    [...roots.entries()].map(([m, certs]) => [m, certs.map((c) => new X509Certificate(c).fingerprint256)]),
  );

  // 2. the block
  const block = attempt('block.decode', () => decodeBlock(Buffer.from(proof.block, 'base64')));
  if (!block) return finish();
  const header = block.getHeader();
  if (!header) return finish();
  summary.blockNumber = String(header.getNumber());
  summary.blockHash = blockHeaderHash(header).toString('hex');
  if (
    !add(
      'block.number',
      String(header.getNumber()) === proof.blockNumber,
      `block ${String(header.getNumber())}, proof says ${proof.blockNumber}`,
    )
  )
    return finish();
  if (
    !add(
      'block.data-hash',
      computeDataHash(block).equals(Buffer.from(header.getDataHash_asU8())),
      'SHA-256 of the block data equals the header data hash',
    )
  )
    return finish();
  const sigs = ordererSignatures(block);
  if (
    !add(
      'block.orderer-signature',
      sigs.length > 0 && sigs.every((s) => s.valid && chainsTo(s.signer.certificate, ordererRoots)),
      `${String(sigs.length)} orderer signature(s) over the header, by ${sigs.map((s) => s.signer.mspId).join(', ')}`,
    )
  )
    return finish();

  // 3. the transaction
  const envelope = block.getData()?.getDataList_asU8()[proof.txIndex];
  if (!add('tx.in-block', envelope !== undefined, `transaction index ${String(proof.txIndex)}`) || !envelope) return finish();
  const tx = attempt('tx.decode', () => parseTransaction(envelope));
  if (!tx) return finish();
  summary.txTime = tx.timestamp;
  if (!add('tx.id', tx.txId === proof.txId, `transaction ${tx.txId}`)) return finish();
  const code = validationCodes(block)[proof.txIndex];
  if (!add('tx.valid', code === VALIDATION_CODE_VALID, `validation code ${String(code)}`)) return finish();
  if (!add('tx.creator-signature', verifySignature(tx.creator.certificate, tx.payload, tx.signature), `signed by ${tx.creator.mspId}`))
    return finish();
  if (
    !add(
      'tx.creator-certificate',
      chainsTo(tx.creator.certificate, roots.get(tx.creator.mspId) ?? []),
      `${tx.creator.mspId} certificate chains to its CA root`,
    )
  )
    return finish();
  const endorsers = tx.endorsements.map((e) => ({
    mspId: e.endorser.mspId,
    valid: verifySignature(e.endorser.certificate, e.signed, e.signature),
    chained: chainsTo(e.endorser.certificate, roots.get(e.endorser.mspId) ?? []),
  }));
  summary.endorsers = endorsers.map((e) => e.mspId);
  if (
    !add(
      'tx.endorsement-signatures',
      endorsers.length > 0 && endorsers.every((e) => e.valid),
      `${String(endorsers.length)} endorsement(s): ${endorsers.map((e) => `${e.mspId} ${e.valid ? 'ok' : 'BAD'}`).join(', ')}`,
    )
  )
    return finish();
  if (
    !add(
      'tx.endorser-certificates',
      endorsers.every((e) => e.chained),
      'endorser certificates chain to their CA roots',
    )
  )
    return finish();
  if (
    !add(
      'tx.endorsed-by-both-operators',
      OPERATOR_MSPS.every((m) => endorsers.some((e) => e.mspId === m)),
      `endorsed by ${endorsers.map((e) => e.mspId).join(', ')}`,
    )
  )
    return finish();

  // 4. the record
  const write = tx.writes.find((w) => w.namespace === proof.chaincode && w.key === proof.record.key);
  if (
    !add(
      'record.in-write-set',
      write !== undefined && !write.isDelete && Buffer.from(write.value).toString('utf8') === proof.record.value,
      'the record bytes are written by this transaction',
    )
  )
    return finish();
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(proof.record.value) as Record<string, unknown>;
  } catch {
    add('record.decode', false, 'record is not JSON');
    return finish();
  }
  if (!add('record.canonical', canonicalize(record) === proof.record.value, 'record is stored in canonical JSON')) return finish();

  // 5. the institution's own signature over what it signed
  const signed =
    typeof record.statement === 'string'
      ? { text: record.statement, sig: record.signature }
      : typeof record.attestation === 'string'
        ? { text: record.attestation, sig: record.attestationSignature }
        : undefined;
  if (signed && typeof signed.sig === 'string') {
    const cert = proof.signerCertificate;
    const fingerprint = typeof record.signerFingerprint === 'string' ? record.signerFingerprint : record.attesterFingerprint;
    const certOk = cert !== null && createHash('sha256').update(new X509Certificate(cert).raw).digest('hex') === fingerprint;
    if (!add('record.signer-certificate', certOk, `certificate ${String(fingerprint).slice(0, 16)}... registered for the producer`))
      return finish();
    const producerMsp = typeof record.mspId === 'string' ? record.mspId : String(record.attesterMsp);
    if (
      !add(
        'record.signer-chain',
        cert !== null && chainsTo(cert, roots.get(producerMsp) ?? []),
        `producer certificate chains to the ${producerMsp} CA root`,
      )
    )
      return finish();
    if (
      !add(
        'record.institution-signature',
        cert !== null && verifySignature(cert, Buffer.from(signed.text), Buffer.from(signed.sig, 'base64')),
        'the institution signed exactly this statement',
      )
    )
      return finish();
  }
  if (options.content !== undefined) {
    let hash: string;
    try {
      hash = createHash('sha256')
        .update(canonicalize(JSON.parse(options.content)))
        .digest('hex');
    } catch {
      hash = createHash('sha256').update(options.content).digest('hex');
    }
    add('content.hash', hash === record.contentHash || hash === record.messageHash, `content hashes to ${hash}`);
  }
  // 6. the checkpoint both operators signed after this block
  if (proof.checkpoint) {
    const cp = proof.checkpoint;
    const first = cp.signatures[0];
    const agreeing = cp.signatures.every(
      (c) => first !== undefined && c.height === first.height && c.blockHash === first.blockHash && c.channel === proof.channel,
    );
    const byBoth = OPERATOR_MSPS.every((m) => cp.signatures.some((c) => c.mspId === m));
    const valid = cp.signatures.every((c) => verifyCheckpoint(c) && chainsTo(c.certificate, roots.get(c.mspId) ?? []));
    if (
      !add(
        'checkpoint.signatures',
        first !== undefined && agreeing && byBoth && valid,
        `height ${String(first?.height ?? '?')} signed by ${cp.signatures.map((c) => c.mspId).join(', ')}`,
      )
    )
      return finish();
    let hash = blockHeaderHash(header);
    let number = header.getNumber();
    let linked = true;
    for (const h of cp.headers) {
      if (Number(h.number) !== number + 1 || h.previousHash !== hash.toString('hex')) {
        linked = false;
        break;
      }
      hash = linkHash(h);
      number++;
    }
    linked = linked && first !== undefined && number === first.height - 1 && hash.toString('hex') === first.blockHash;
    if (
      !add(
        'checkpoint.link',
        linked,
        `headers link block ${String(header.getNumber())} to the checkpointed block ${String((first?.height ?? 1) - 1)}`,
      )
    )
      return finish();
    summary.checkpoint = { height: first?.height, blockHash: first?.blockHash };
  }
  summary.record = {
    key: proof.record.key,
    ...(typeof record.stixId === 'string' ? { stixId: record.stixId, modified: record.modified } : {}),
    ...(typeof record.uetr === 'string' ? { uetr: record.uetr } : {}),
  };
  return finish();
}
