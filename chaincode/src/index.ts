import { ProbeContract } from './probe';

export { ProbeContract } from './probe';

/** The contracts fabric-chaincode-node serves from this package. */
export const contracts: (typeof ProbeContract)[] = [ProbeContract];
