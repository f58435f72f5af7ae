export * from './config';
export * from './args';
export * from './network';
export * from './identities';
export { ProcessManager, NetworkError } from './processes';
export { updateChannelConfig } from './config-update';
export type { ChannelConfigJson } from './config-update';
export { partyKeysFile, rotatePartyKey, tomorrowUtc } from './party-keys';
