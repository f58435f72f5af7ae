/**
 * The intel versions a block wrote: public writes of the chaincode's namespace at intel version keys,
 * in valid transactions only (the block's validation flags), in transaction and write order.
 */
import type { common } from '@hyperledger/fabric-protos';

import type { IntelCosignature, IntelRecord } from '@xborder/protocol';
import { intelVersionKey, KEY_SEPARATOR, recordKind } from '@xborder/protocol';
import { parseTransaction, VALIDATION_CODE_VALID, validationCodes } from '@xborder/sdk/audit';

export interface IntelWrite {
  readonly ledgerKey: string;
  readonly txIndex: number;
  readonly txId: string;
  readonly record: IntelRecord;
}

/** Another member's co-signature of a version, as a block wrote it. */
export interface CosignatureWrite {
  /** The co-signed version's key. */
  readonly versionKey: string;
  readonly institution: string;
  readonly signerKey: string;
  readonly txId: string;
}

/** The co-signatures a block's valid transactions wrote (`intel-cosign` keys). */
export function cosignatureWrites(block: common.Block, chaincode: string): CosignatureWrite[] {
  const flags = validationCodes(block);
  const found: CosignatureWrite[] = [];
  block
    .getData()
    ?.getDataList_asU8()
    .forEach((envelope, txIndex) => {
      if (flags[txIndex] !== VALIDATION_CODE_VALID) return;
      const tx = parseTransaction(envelope);
      for (const w of tx.writes) {
        if (w.namespace !== chaincode || w.isDelete || !w.key.startsWith(`intel-cosign${KEY_SEPARATOR}`)) continue;
        const c = JSON.parse(new TextDecoder().decode(w.value)) as IntelCosignature;
        found.push({
          versionKey: intelVersionKey(c.stixId, c.modified),
          institution: c.institution,
          signerKey: c.signerFingerprint,
          txId: tx.txId,
        });
      }
    });
  return found;
}

export function intelWrites(block: common.Block, chaincode: string): IntelWrite[] {
  const flags = validationCodes(block);
  const found: IntelWrite[] = [];
  block
    .getData()
    ?.getDataList_asU8()
    .forEach((envelope, txIndex) => {
      if (flags[txIndex] !== VALIDATION_CODE_VALID) return;
      const tx = parseTransaction(envelope);
      for (const w of tx.writes) {
        if (w.namespace !== chaincode || w.isDelete || recordKind(w.key) !== 'intel') continue;
        const record = JSON.parse(new TextDecoder().decode(w.value)) as IntelRecord;
        // a record is indexed under its own ids only (the key says which version it is)
        if (intelVersionKey(record.stixId, record.modified) !== w.key) continue;
        found.push({ ledgerKey: w.key, txIndex, txId: tx.txId, record });
      }
    });
  return found;
}
