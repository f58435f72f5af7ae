// Loaded before the unit tests: fabric-contract-api logs every decorator at info level otherwise.
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL ?? 'error';
