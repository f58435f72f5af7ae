/**
 * @xborder/protocol: what the chaincode and its clients must agree on, byte for byte: canonical JSON
 * (RFC 8785), the signed statements and their checks, record shapes, error codes, TLP/STIX and money
 * rules, and shared constants. No Fabric dependency.
 */
export * from './agents';
export * from './arguments';
export * from './checkpoint';
export * from './commitment';
export * from './constants';
export * from './errors';
export * from './hash';
export * from './jcs';
export * from './ledger-keys';
export * from './money';
export * from './observable';
export * from './operator-sides';
export * from './payment';
export * from './records';
export * from './statement';
export * from './stix';
export * from './stix-rules';
export * from './strict-json';
export * from './text';
export * from './timestamps';
export * from './tlp';
export * from './transactions';
