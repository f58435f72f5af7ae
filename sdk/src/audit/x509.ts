/**
 * Certificate path validation for offline checks, on pkijs (RFC 5280 path building: signatures, name
 * chaining, validity at a given time, basic constraints and key usage of every CA on the path), plus
 * the two Fabric facts the checks need from a leaf: its digitalSignature key usage and the Fabric CA
 * attributes (`xborder.role`, `xborder.institution`) written into enrollment certificates.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** Fabric CA writes enrollment attributes as JSON into this extension. */
const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';
const KEY_USAGE_OID = '2.5.29.15';
const DIGITAL_SIGNATURE = 0x80;

const parsed = new Map<string, pkijs.Certificate>();

/** Parses a PEM certificate (cached: proofs repeat the same few certificates many times). */
export function parseCertificate(pem: string): pkijs.Certificate {
  const hit = parsed.get(pem);
  if (hit) return hit;
  const b64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  const der = Buffer.from(b64, 'base64');
  const asn1 = asn1js.fromBER(new Uint8Array(der).buffer);
  if (asn1.offset === -1) throw new Error('certificate is not DER');
  const cert = new pkijs.Certificate({ schema: asn1.result });
  if (parsed.size > 1000) parsed.clear();
  parsed.set(pem, cert);
  return cert;
}

export interface PathResult {
  readonly ok: boolean;
  readonly reason: string;
}

/**
 * Whether `leafPem` chains to one of `rootPems` (through `intermediatePems` if any) and every
 * certificate on the path is valid at `at`; with `signer`, the leaf must also allow digital signatures.
 */
export async function validatePath(
  leafPem: string,
  rootPems: readonly string[],
  at: Date,
  options: { intermediatePems?: readonly string[]; signer?: boolean } = {},
): Promise<PathResult> {
  try {
    if (rootPems.length === 0) return { ok: false, reason: 'no trusted roots for this MSP' };
    const leaf = parseCertificate(leafPem);
    if (options.signer !== false && !allowsDigitalSignature(leaf)) return { ok: false, reason: 'the leaf certificate may not sign' };
    const engine = new pkijs.CertificateChainValidationEngine({
      trustedCerts: rootPems.map(parseCertificate),
      certs: [leaf, ...(options.intermediatePems ?? []).map(parseCertificate)],
      checkDate: at,
    });
    const result = await engine.verify();
    return result.result
      ? { ok: true, reason: 'chains to a trusted root' }
      : { ok: false, reason: result.resultMessage || 'no valid path' };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Whether a certificate without a key usage extension, or with digitalSignature set, may sign. */
function allowsDigitalSignature(cert: pkijs.Certificate): boolean {
  const ext = cert.extensions?.find((e) => e.extnID === KEY_USAGE_OID);
  if (!ext) return true;
  const bits = ext.parsedValue as asn1js.BitString | undefined;
  const first = bits ? new Uint8Array(bits.valueBlock.valueHexView)[0] : undefined;
  return first !== undefined && (first & DIGITAL_SIGNATURE) !== 0;
}

/** The Fabric CA attributes of an enrollment certificate (empty when it has none). */
export function fabricAttributes(pem: string): Record<string, string> {
  const ext = parseCertificate(pem).extensions?.find((e) => e.extnID === FABRIC_ATTRS_OID);
  if (!ext) return {};
  try {
    const json = JSON.parse(Buffer.from(ext.extnValue.valueBlock.valueHexView).toString('utf8')) as { attrs?: unknown };
    const attrs = json.attrs;
    if (typeof attrs !== 'object' || attrs === null) return {};
    return Object.fromEntries(Object.entries(attrs).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

/** The organisational units of a certificate's subject (NodeOUs: client, peer, orderer, admin). */
export function organisationalUnits(pem: string): string[] {
  return parseCertificate(pem)
    .subject.typesAndValues.filter((tv) => tv.type === '2.5.4.11')
    .map((tv) => {
      const text = (tv.value as { valueBlock: { value?: unknown } }).valueBlock.value;
      return typeof text === 'string' ? text : '';
    });
}
