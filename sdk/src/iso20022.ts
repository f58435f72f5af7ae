import { createHash } from 'node:crypto';

import { canonicalize, directoryOf, resolveAgent } from '@xborder/protocol';
import type {
  Agent,
  AgentDirectory,
  Amount,
  Corridor,
  Institution,
  Pacs002Status,
  PartyValues,
  PaymentFields,
  ProxyType,
} from '@xborder/protocol';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

import { toXborderError, XborderError } from './errors';

/** Largest ISO 20022 file accepted (a pacs.008 of many transactions is well below this). */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

type XmlNode = Record<string, unknown>;

/**
 * A proxy or account as it appears in the message. The raw value goes only to the operators' chaincode
 * (transient data), which commits to it with a key no bank holds.
 */
export interface PartyProxy {
  readonly proxyType: ProxyType;
  readonly value: string;
  /** The account id (IBAN or other) when the message has one, proxy or not. */
  readonly account: string | null;
}

/** One credit transfer (CdtTrfTxInf) of a pacs.008, as the attestation needs it. */
export interface Pacs008Transaction {
  readonly uetr: string;
  readonly endToEndId: string;
  readonly instrId: string | null;
  readonly txId: string | null;
  readonly amount: Amount;
  readonly settlementAmount: Amount;
  readonly settlementDate: string;
  readonly exchangeRate: string;
  readonly chargeBearer: PaymentFields['chargeBearer'];
  readonly charges: { amount: Amount; agent: string }[];
  readonly debtorAgent: Agent;
  readonly creditorAgent: Agent;
  readonly payer: PartyProxy;
  readonly payee: PartyProxy;
  /** SHA-256 of the RFC 8785 form of the group header plus this transaction (XML mapped to JSON). */
  readonly messageHash: string;
}

/** A parsed pacs.008: its message id and version, and its transactions. */
export interface Pacs008Message {
  readonly msgType: string;
  readonly msgId: string;
  readonly transactions: Pacs008Transaction[];
}

/** The status a pacs.002 gives one original transaction. */
export interface TransactionStatus {
  readonly uetr: string | null;
  readonly endToEndId: string | null;
  readonly status: Pacs002Status;
  readonly reasonCode: string | null;
}

/** A parsed pacs.002: the original message it answers and one status per transaction. */
export interface Pacs002Message {
  readonly msgType: string;
  readonly msgId: string;
  readonly originalMsgId: string;
  /** SHA-256 of the RFC 8785 form of the whole message (XML mapped to JSON). */
  readonly messageHash: string;
  /** The statuses of named transactions (`TxInfAndSts`). */
  readonly statuses: TransactionStatus[];
  /** The status of the whole original message (`GrpSts`) and its reason, when given. */
  readonly groupStatus: Pacs002Status | null;
  readonly groupReasonCode: string | null;
}

function bad(reason: string): never {
  throw new XborderError('BAD_INPUT', reason);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => ['CdtTrfTxInf', 'TxInfAndSts', 'ChrgsInf', 'StsRsnInf'].includes(name),
});

/** Parses an ISO 20022 document and returns its namespace's message id and the document body. */
function parseDocument(xml: string | Buffer): { msgType: string; body: XmlNode } {
  const text = typeof xml === 'string' ? xml : xml.toString('utf8');
  if (Buffer.byteLength(text) > MAX_MESSAGE_BYTES) bad(`message larger than ${String(MAX_MESSAGE_BYTES / 1024 / 1024)} MiB`);
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) bad('DOCTYPE and entity declarations are not accepted');
  const valid = XMLValidator.validate(text);
  if (valid !== true) bad(`not well-formed XML: ${valid.err.msg} (line ${String(valid.err.line)})`);
  const tree = parser.parse(text) as XmlNode;
  const doc = tree.Document as XmlNode | undefined;
  if (typeof doc !== 'object') bad('not an ISO 20022 message: no Document element');
  // the parser drops namespace declarations with the prefixes, so read the one on Document itself
  const start = /<(?:[A-Za-z_][\w.-]*:)?Document\b[^>]*>/.exec(text)?.[0] ?? '';
  const m = /\sxmlns(?::[A-Za-z_][\w.-]*)?="urn:iso:std:iso:20022:tech:xsd:(pacs\.\d{3}\.\d{3}\.\d{2})"/.exec(start);
  if (!m?.[1]) bad('not an ISO 20022 message: Document has no urn:iso:std:iso:20022:tech:xsd namespace');
  return { msgType: m[1], body: doc };
}

function node(parent: unknown, name: string): XmlNode | undefined {
  if (typeof parent !== 'object' || parent === null) return undefined;
  const v = (parent as XmlNode)[name];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as XmlNode) : undefined;
}

function textOf(parent: unknown, name: string): string | undefined {
  if (typeof parent !== 'object' || parent === null) return undefined;
  const v = (parent as XmlNode)[name];
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && typeof (v as XmlNode)['#text'] === 'string') return (v as XmlNode)['#text'] as string;
  return undefined;
}

function required(parent: unknown, path: string, where: string): string {
  const parts = path.split('/');
  let cur: unknown = parent;
  for (const p of parts.slice(0, -1)) cur = node(cur, p);
  const v = textOf(cur, parts[parts.length - 1] ?? '');
  if (v === undefined || v === '') bad(`${where}: missing ${path}`);
  return v;
}

function optional(parent: unknown, path: string): string | null {
  const parts = path.split('/');
  let cur: unknown = parent;
  for (const p of parts.slice(0, -1)) cur = node(cur, p);
  return textOf(cur, parts[parts.length - 1] ?? '') ?? null;
}

function amountOf(parent: unknown, name: string, where: string): Amount {
  const n = (parent as XmlNode | undefined)?.[name];
  if (typeof n !== 'object' || n === null) bad(`${where}: missing ${name}`);
  const value = (n as XmlNode)['#text'];
  const currency = (n as XmlNode)['@Ccy'];
  if (typeof value !== 'string' || typeof currency !== 'string') bad(`${where}: ${name} needs a value and a Ccy attribute`);
  return { value, currency };
}

function agentOf(parent: unknown, name: string, where: string): Agent {
  const fin = node(node(parent, name), 'FinInstnId');
  if (!fin) bad(`${where}: missing ${name}/FinInstnId`);
  const bic = textOf(fin, 'BICFI') ?? null;
  const clearing = optional(fin, 'ClrSysMmbId/MmbId');
  // the clearing system by its ISO code (HKNCC, ...) or a proprietary id
  const system = optional(fin, 'ClrSysMmbId/ClrSysId/Cd') ?? optional(fin, 'ClrSysMmbId/ClrSysId/Prtry');
  if (bic === null && clearing === null) bad(`${where}: ${name} has neither BICFI nor ClrSysMmbId`);
  return { bic, clearingSystem: clearing === null ? null : system, clearingMemberId: clearing };
}

const PROXY_CODES: Readonly<Record<string, ProxyType>> = {
  TELE: 'mobile',
  MOBN: 'mobile',
  CELL: 'mobile',
  EMAL: 'email',
  PVTX: 'national-id',
  NIDN: 'national-id',
  EIDN: 'national-id',
  SOSE: 'national-id',
  EWAL: 'e-wallet',
  FPSI: 'fps-id',
  FPSID: 'fps-id',
};

function partyOf(tx: XmlNode, accountName: string, where: string): PartyProxy {
  const account = node(tx, accountName);
  const proxy = node(account, 'Prxy');
  const id = optional(account, 'Id/IBAN') ?? optional(account, 'Id/Othr/Id');
  if (proxy) {
    const code = optional(proxy, 'Tp/Cd') ?? optional(proxy, 'Tp/Prtry');
    const value = textOf(proxy, 'Id');
    const type = code !== null ? PROXY_CODES[code.toUpperCase()] : undefined;
    if (!type || value === undefined) bad(`${where}: ${accountName}/Prxy has an unknown type ${code ?? '(none)'} or no Id`);
    return { proxyType: type, value, account: id };
  }
  if (id === null) bad(`${where}: ${accountName} has no proxy and no account id`);
  return { proxyType: 'account', value: id, account: id };
}

function sha256(value: unknown): string {
  return createHash('sha256').update(canonicalize(value)).digest('hex');
}

/**
 * Parses a pacs.008 (FIToFICstmrCdtTrf, versions 08 to 13) into one entry per credit transfer.
 * Refuses anything else (other messages, versions, malformed or truncated XML) with BAD_INPUT.
 */
export function parsePacs008(xml: string | Buffer): Pacs008Message {
  const { msgType, body } = parseDocument(xml);
  const version = /^pacs\.008\.001\.(\d{2})$/.exec(msgType)?.[1];
  if (!version) bad(`expected a pacs.008 message, got ${msgType}`);
  if (Number(version) < 8 || Number(version) > 13) bad(`pacs.008 version ${version} is not supported (08 to 13)`);
  const root = node(body, 'FIToFICstmrCdtTrf');
  if (!root) bad('pacs.008 without FIToFICstmrCdtTrf');
  const grpHdr = node(root, 'GrpHdr');
  const msgId = required(grpHdr, 'MsgId', 'GrpHdr');
  const txs = root.CdtTrfTxInf;
  if (!Array.isArray(txs) || txs.length === 0) bad('pacs.008 without CdtTrfTxInf');
  const transactions = (txs as XmlNode[]).map((tx, i): Pacs008Transaction => {
    const where = `CdtTrfTxInf[${String(i)}]`;
    const pmtId = node(tx, 'PmtId');
    const uetr = required(pmtId, 'UETR', where);
    const rate = textOf(tx, 'XchgRate');
    const amount = amountOf(tx, 'InstdAmt', where);
    const settlementAmount = amountOf(tx, 'IntrBkSttlmAmt', where);
    const charges = ((tx.ChrgsInf as XmlNode[] | undefined) ?? []).map((c, j) => ({
      amount: amountOf(c, 'Amt', `${where}/ChrgsInf[${String(j)}]`),
      agent:
        optional(c, 'Agt/FinInstnId/BICFI') ?? optional(c, 'Agt/FinInstnId/ClrSysMmbId/MmbId') ?? bad(`${where}: ChrgsInf without agent`),
    }));
    const chargeBearer = required(tx, 'ChrgBr', where);
    if (!['DEBT', 'CRED', 'SHAR', 'SLEV'].includes(chargeBearer)) bad(`${where}: ChrgBr ${chargeBearer} is not DEBT, CRED, SHAR or SLEV`);
    return {
      uetr: uetr.toLowerCase(),
      endToEndId: required(pmtId, 'EndToEndId', where),
      instrId: optional(pmtId, 'InstrId'),
      txId: optional(pmtId, 'TxId'),
      amount,
      settlementAmount,
      settlementDate: required(tx, 'IntrBkSttlmDt', where),
      exchangeRate:
        rate ?? (amount.currency === settlementAmount.currency ? '1' : bad(`${where}: XchgRate is required when currencies differ`)),
      chargeBearer: chargeBearer as PaymentFields['chargeBearer'],
      charges,
      debtorAgent: agentOf(tx, 'DbtrAgt', where),
      creditorAgent: agentOf(tx, 'CdtrAgt', where),
      payer: partyOf(tx, 'DbtrAcct', where),
      payee: partyOf(tx, 'CdtrAcct', where),
      messageHash: sha256({ msgType, GrpHdr: grpHdr ?? null, CdtTrfTxInf: tx }),
    };
  });
  return { msgType, msgId, transactions };
}

const STATUSES: readonly string[] = ['ACSC', 'ACCC', 'ACSP', 'PDNG', 'RJCT'];

/** Parses a pacs.002 (FIToFIPmtStsRpt, versions 10 to 14): one status per original transaction. */
export function parsePacs002(xml: string | Buffer): Pacs002Message {
  const { msgType, body } = parseDocument(xml);
  const version = /^pacs\.002\.001\.(\d{2})$/.exec(msgType)?.[1];
  if (!version) bad(`expected a pacs.002 message, got ${msgType}`);
  if (Number(version) < 10 || Number(version) > 14) bad(`pacs.002 version ${version} is not supported (10 to 14)`);
  const root = node(body, 'FIToFIPmtStsRpt');
  if (!root) bad('pacs.002 without FIToFIPmtStsRpt');
  const msgId = required(node(root, 'GrpHdr'), 'MsgId', 'GrpHdr');
  const orgnl = node(root, 'OrgnlGrpInfAndSts');
  const originalMsgId = required(orgnl, 'OrgnlMsgId', 'OrgnlGrpInfAndSts');
  const groupStatus = optional(orgnl, 'GrpSts');
  if (groupStatus !== null && !STATUSES.includes(groupStatus)) bad(`GrpSts ${groupStatus} is not one of ${STATUSES.join(', ')}`);
  const groupReasons = node(orgnl, 'StsRsnInf') ?? undefined;
  const groupReasonCode = groupReasons ? optional(groupReasons, 'Rsn/Cd') : null;
  const txs = (root.TxInfAndSts as XmlNode[] | undefined) ?? [];
  if (txs.length === 0 && groupStatus === null) bad('pacs.002 with neither TxInfAndSts nor GrpSts');
  const statuses = txs.map((t, i): TransactionStatus => {
    const where = `TxInfAndSts[${String(i)}]`;
    const status = optional(t, 'TxSts') ?? groupStatus ?? bad(`${where}: missing TxSts`);
    if (!STATUSES.includes(status)) bad(`${where}: status ${status} is not one of ${STATUSES.join(', ')}`);
    const reasons = (t.StsRsnInf as XmlNode[] | undefined) ?? [];
    const reasonCode = reasons.length > 0 ? optional(reasons[0], 'Rsn/Cd') : null;
    const uetr = optional(t, 'OrgnlUETR');
    return { uetr: uetr?.toLowerCase() ?? null, endToEndId: optional(t, 'OrgnlEndToEndId'), status: status as Pacs002Status, reasonCode };
  });
  return {
    msgType,
    msgId,
    originalMsgId,
    messageHash: sha256({ msgType, body: root }),
    statuses,
    groupStatus: groupStatus as Pacs002Status | null,
    groupReasonCode,
  };
}

/**
 * The status of each transaction of the original pacs.008 that a pacs.002 answers: those it names
 * (by UETR, else end-to-end id), or, when it names none, every transaction under its group status.
 * Transactions it does not answer are left out (a pacs.002 may answer only some).
 * @param status - the parsed pacs.002
 * @param original - the parsed original pacs.008 (the receiver's copy)
 * @returns each answered transaction with its status and reason code
 * @throws {@link XborderError} BAD_INPUT when the pacs.002 answers another message or a transaction the pacs.008 lacks
 */
export function answeredTransactions(
  status: Pacs002Message,
  original: Pacs008Message,
): { tx: Pacs008Transaction; status: Pacs002Status; reasonCode: string | null }[] {
  if (status.originalMsgId !== original.msgId) bad(`the pacs.002 answers ${status.originalMsgId}, the pacs.008 is ${original.msgId}`);
  if (status.statuses.length === 0) {
    if (status.groupStatus === null) bad('the pacs.002 names no transaction and gives no group status');
    if (status.groupStatus === 'RJCT' && status.groupReasonCode === null)
      bad('a rejected group needs a reason code (OrgnlGrpInfAndSts/StsRsnInf)');
    return original.transactions.map((tx) => ({ tx, status: status.groupStatus as Pacs002Status, reasonCode: status.groupReasonCode }));
  }
  return status.statuses.map((s) => {
    const matching = original.transactions.filter((t) => (s.uetr !== null ? t.uetr === s.uetr : t.endToEndId === s.endToEndId));
    // NOTPROVIDED end-to-end ids are common: without a UETR such a status may name several transactions
    if (matching.length > 1)
      bad(`status for end-to-end id ${s.endToEndId ?? '?'} without OrgnlUETR matches ${String(matching.length)} transactions`);
    const tx = matching[0];
    if (!tx) bad(`status for ${s.uetr ?? s.endToEndId ?? '?'} has no transaction in the pacs.008`);
    return { tx, status: s.status, reasonCode: s.reasonCode ?? (s.status === 'RJCT' ? status.groupReasonCode : null) };
  });
}

/** The corridor of a payment from the countries of its agents' BICs (or an explicit choice). */
/** The operator country of an agent: its registered institution's org, else its BIC's country. */
async function countryOf(
  agent: Agent,
  directory: AgentDirectory | undefined,
  orgOf: ((id: string) => string | undefined) | undefined,
  what: string,
): Promise<string | undefined> {
  if (directory && orgOf) {
    const id = await resolveAgent(agent, directory, what);
    const org = id !== undefined ? orgOf(id) : undefined;
    if (org === 'HKMSP') return 'HK';
    if (org === 'THMSP') return 'TH';
  }
  return agent.bic?.slice(4, 6);
}

/**
 * The corridor of a transaction: from the organisations of the registered institutions its agents
 * resolve to (by BIC, clearing membership or both), else from the agents' BIC countries.
 * @param tx - one transaction of a pacs.008
 * @param registry - the registry's institutions (each with its org); without it, BIC countries only
 * @returns HK-TH or TH-HK
 * @throws {@link XborderError} PAYMENT_INVALID when the agents give no corridor, or an agent's BIC and membership disagree
 */
export async function corridorOf(tx: Pacs008Transaction, registry?: readonly Institution[]): Promise<Corridor> {
  const directory = registry ? directoryOf(registry) : undefined;
  const orgOf = registry ? (id: string): string | undefined => registry.find((i) => i.id === id)?.mspId : undefined;
  let from: string | undefined;
  let to: string | undefined;
  try {
    from = await countryOf(tx.debtorAgent, directory, orgOf, 'debtor agent');
    to = await countryOf(tx.creditorAgent, directory, orgOf, 'creditor agent');
  } catch (err) {
    throw toXborderError(err);
  }
  if (from === 'HK' && to === 'TH') return 'HK-TH';
  if (from === 'TH' && to === 'HK') return 'TH-HK';
  return bad(`cannot tell the corridor of ${tx.uetr} from its agents (${from ?? '?'} -> ${to ?? '?'}); register them or give --corridor`);
}

/**
 * The attestation fields of one transaction. Payer and payee are signed by proxy type only; their
 * values (see `partyValuesOf`) go to the operators' chaincode as transient data.
 * @param message - the parsed pacs.008
 * @param tx - one of its transactions
 * @param corridor - the corridor (see {@link corridorOf})
 * @returns the fields both sides attest (payer and payee by proxy type only)
 */
export function toPaymentFields(message: Pacs008Message, tx: Pacs008Transaction, corridor: Corridor): PaymentFields {
  return {
    uetr: tx.uetr,
    endToEndId: tx.endToEndId,
    instrId: tx.instrId,
    txId: tx.txId,
    msgId: message.msgId,
    msgType: message.msgType,
    scheme: 'FPSxPromptPay',
    corridor,
    amount: tx.amount,
    settlementAmount: tx.settlementAmount,
    settlementDate: tx.settlementDate,
    exchangeRate: tx.exchangeRate,
    chargeBearer: tx.chargeBearer,
    charges: tx.charges,
    debtorAgent: tx.debtorAgent,
    creditorAgent: tx.creditorAgent,
    payer: { proxyType: tx.payer.proxyType },
    payee: { proxyType: tx.payee.proxyType },
    messageHash: tx.messageHash,
  };
}

/**
 * The raw payer and payee values of a transaction, for the operators' chaincode only (transient data).
 * @param tx - one transaction of a parsed pacs.008
 * @returns payer (with the debtor account when present) and payee values
 */
export function partyValuesOf(tx: Pacs008Transaction): PartyValues {
  return { payer: { value: tx.payer.value, account: tx.payer.account }, payee: { value: tx.payee.value } };
}
