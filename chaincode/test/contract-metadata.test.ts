import * as fs from 'node:fs';
import * as path from 'node:path';

import 'reflect-metadata';
import { expect } from 'chai';

import { contracts } from '@xborder/chaincode';
import { TRANSACTIONS } from '@xborder/protocol';
import { FIXTURES } from '../../test/support/paths';

const GOLDEN = path.join(FIXTURES, 'contract-metadata.json');

interface TxMeta {
  name: string;
  tag?: string[];
  parameters?: { name: string; schema?: { type?: string } }[];
  returns?: { schema?: { type?: string } };
}

/** What fabric-contract-api will expose: every decorated transaction, its kind and its parameters. */
function metadata(): Record<string, { name: string; kind: string; params: string[] }[]> {
  const out: Record<string, { name: string; kind: string; params: string[] }[]> = {};
  for (const ContractClass of contracts) {
    const instance = new ContractClass();
    const txs = (Reflect.getMetadata('fabric:transactions', ContractClass.prototype) ?? []) as TxMeta[];
    out[instance.getName()] = txs
      .map((t) => ({
        name: t.name,
        kind: (t.tag ?? []).includes('submitTx') ? 'submit' : 'evaluate',
        params: (t.parameters ?? []).map((p) => `${p.name}:${p.schema?.type ?? '?'}`),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
  return out;
}

describe('contract metadata (golden)', () => {
  it('exposes exactly the transactions in test/fixtures/contract-metadata.json', () => {
    const actual = metadata();
    if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
    const golden = JSON.parse(fs.readFileSync(GOLDEN, 'utf8')) as unknown;
    expect(actual).to.deep.equal(golden);
  });

  it('decorates every public method of every contract, so none is silently uncallable', () => {
    for (const ContractClass of contracts) {
      const declared = Object.getOwnPropertyNames(ContractClass.prototype).filter((n) => n !== 'constructor' && /^[A-Z]/.test(n));
      const decorated = ((Reflect.getMetadata('fabric:transactions', ContractClass.prototype) ?? []) as TxMeta[]).map((t) => t.name);
      expect(decorated.sort()).to.deep.equal(declared.sort());
    }
  });
  it('describes every transaction in protocol/src/transactions.ts, with its contract and kind, and nothing else', () => {
    const actual = metadata();
    const described = Object.fromEntries(
      Object.entries(TRANSACTIONS).map(([contract, txs]) => [
        contract,
        Object.values(txs)
          .map((t: { contract: string; name: string; kind: string }) => ({ contract: t.contract, name: t.name, kind: t.kind }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      ]),
    );
    const served = Object.fromEntries(
      Object.entries(actual).map(([contract, txs]) => [contract, txs.map((t) => ({ contract, name: t.name, kind: t.kind }))]),
    );
    expect(described).to.deep.equal(served);
    // each descriptor sits under its own function name (argument types are checked when the chaincode compiles)
    for (const [contract, txs] of Object.entries(TRANSACTIONS)) {
      for (const [key, t] of Object.entries(txs)) expect(key, contract).to.equal((t as { name: string }).name);
    }
  });
});
