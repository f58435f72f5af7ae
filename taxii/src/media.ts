/**
 * TAXII 2.1 media types. Resources are `application/taxii+json;version=2.1`; a bare
 * `application/taxii+json` is read as 2.1. Accept headers are matched by type and version only, so
 * clients that add parameters (taxii2-client) or send no Accept at all are served.
 */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

interface MediaRange {
  readonly type: string;
  readonly version: string | undefined;
}

function parseRange(text: string): MediaRange {
  const [type = '', ...params] = text.split(';').map((p) => p.trim());
  let version: string | undefined;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq > 0 && p.slice(0, eq).trim().toLowerCase() === 'version')
      version = p
        .slice(eq + 1)
        .trim()
        .replace(/^"|"$/g, '');
  }
  return { type: type.toLowerCase(), version };
}

/**
 * Whether an Accept header admits a TAXII 2.1 response: `application/taxii+json` (version 2.1 or none),
 * `application/json` (some clients send it; the answer is still TAXII), `application/*`, `*\/*`, or no
 * header at all.
 */
export function acceptsTaxii(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((range) => {
    const { type, version } = parseRange(range);
    if (type === 'application/taxii+json') return version === undefined || version === '2.1';
    return type === 'application/json' || type === 'application/*' || type === '*/*';
  });
}

/** Whether a request body's Content-Type is a TAXII 2.1 envelope. */
export function isTaxiiContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const { type, version } = parseRange(contentType);
  return type === 'application/taxii+json' && (version === undefined || version === '2.1');
}
