/**
 * @xborder/sdk/signing: the node:crypto signer the SDK uses and its DER helpers (low-S normalisation,
 * parsing and encoding ECDSA signatures), for tools that sign statements outside the facades.
 */
export { encodeDerSignature, newNodeSigner, parseDerSignature, signLowS, toLowS } from './signer';
