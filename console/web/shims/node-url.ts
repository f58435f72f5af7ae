/** `domainToASCII` of `node:url` for the browser bundle, through the WHATWG URL parser. */
export function domainToASCII(domain: string): string {
  try {
    return new URL(`http://${domain}`).hostname;
  } catch {
    return '';
  }
}
