import { CheckpointContract } from './checkpoint';
import { IntelContract } from './intel';
import { PaymentContract } from './payment';
import { ProbeContract } from './probe';
import { RegistryContract } from './registry';
import { installPeerBatching } from './peer-batching';
import { startLedgerView } from './peer-ledger';

export { CheckpointContract } from './checkpoint';
export { IntelContract } from './intel';
export { PaymentContract } from './payment';
export { ProbeContract } from './probe';
export { RegistryContract } from './registry';

/** The contracts fabric-chaincode-node serves from this package (the first is the default). */
export const contracts: (
  typeof IntelContract | typeof PaymentContract | typeof RegistryContract | typeof CheckpointContract | typeof ProbeContract
)[] = [IntelContract, PaymentContract, RegistryContract, CheckpointContract, ProbeContract];

// before the shim connects to its peer: record which batch messages the peer offers
installPeerBatching();

// a chaincode server with a ledger-reader profile starts watching its peer's chain at once, so the
// first checkpoint it is asked to endorse can be checked
if (process.env.XB_LEDGER_PROFILE) startLedgerView();
