/**
 * What a block wrote for the ledger index: intel versions (public writes of the chaincode's namespace
 * at intel version keys) and co-signatures, in valid transactions only (the block's validation flags),
 * in transaction and write order.
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

/** What a block wrote that the index keeps: intel versions and co-signatures, in order. */
export interface BlockIntel {
  readonly versions: IntelWrite[];
  readonly cosignatures: CosignatureWrite[];
}

/**
 * Reads a block once: the intel versions (records at their own version keys) and co-signatures
 * (`intel-cosign` keys) its valid transactions wrote in the chaincode's namespace.
 */
export function readBlockIntel(block: common.Block, chaincode: string): BlockIntel {
  const flags = validationCodes(block);
  const out: BlockIntel = { versions: [], cosignatures: [] };
  block
    .getData()
    ?.getDataList_asU8()
    .forEach((envelope, txIndex) => {
      if (flags[txIndex] !== VALIDATION_CODE_VALID) return;
      const tx = parseTransaction(envelope);
      for (const w of tx.writes) {
        if (w.namespace !== chaincode || w.isDelete) continue;
        if (recordKind(w.key) === 'intel') {
          const record = JSON.parse(new TextDecoder().decode(w.value)) as IntelRecord;
          // a record is indexed under its own ids only (the key says which version it is)
          if (intelVersionKey(record.stixId, record.modified) === w.key)
            out.versions.push({ ledgerKey: w.key, txIndex, txId: tx.txId, record });
        } else if (w.key.startsWith(`intel-cosign${KEY_SEPARATOR}`)) {
          const c = JSON.parse(new TextDecoder().decode(w.value)) as IntelCosignature;
          out.cosignatures.push({
            versionKey: intelVersionKey(c.stixId, c.modified),
            institution: c.institution,
            signerKey: c.signerFingerprint,
            txId: tx.txId,
          });
        }
      }
    });
  return out;
}
