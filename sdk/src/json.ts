const decoder = new TextDecoder();

/** Decodes a chaincode JSON response. The chaincode validates what it returns; the SDK types it. */
export function decodeJson<T>(bytes: Uint8Array): T {
  return JSON.parse(decoder.decode(bytes)) as T;
}
