import { createHash } from 'node:crypto';

import type { Command } from 'commander';

import { directoryOf, resolveAgent } from '@xborder/protocol';
import type { Corridor } from '@xborder/protocol';

import {
  answeredTransactions,
  corridorOf,
  MAX_MESSAGE_BYTES,
  parsePacs002,
  parsePacs008,
  partyValuesOf,
  toPaymentFields,
  toXborderError,
  XborderError,
} from '@xborder/sdk';
import { readFileLimited } from './inputs';
import { outputFor, withClient } from './context';
import { positiveInt } from './numbers';
import { table } from './output';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@xborder/protocol';

/** How long kept pacs.008 messages stay after settlement unless the operators choose otherwise. */
export const DEFAULT_MESSAGE_RETENTION_DAYS = 400;

interface TxOutcome {
  uetr: string;
  endToEndId: string | null;
  status: 'attested' | 'existing' | 'confirmed' | 'rejected';
  state?: string;
  differingFields?: readonly string[];
  transactionId?: string;
  code?: string;
  reason?: string;
}

function corridorOption(value: string | undefined): Corridor | undefined {
  if (value === undefined) return undefined;
  if (value !== 'HK-TH' && value !== 'TH-HK') throw new XborderError('USAGE', '--corridor must be HK-TH or TH-HK');
  return value;
}

function printOutcomes(print: (l: string) => void, outcomes: TxOutcome[]): void {
  for (const line of table(
    outcomes.map((o) => [
      o.uetr,
      o.status,
      o.state ?? '',
      o.differingFields && o.differingFields.length > 0 ? `differs: ${o.differingFields.join(', ')}` : (o.code ?? ''),
      o.reason ?? o.transactionId ?? '',
    ]),
  ))
    print(line);
}

export function registerPayment(program: Command): void {
  const payment = program.command('payment').description('FPS x PromptPay payment attestations (ISO 20022 pacs.008 / pacs.002)');

  payment
    .command('attest')
    .description('attest every transaction of a pacs.008 as the sending institution')
    .argument('<pacs008>', 'pacs.008.001.08 to .13 XML file')
    .option('--corridor <corridor>', 'HK-TH or TH-HK (default: from the registered institutions the agents resolve to)')
    .action(async (file: string, opts: { corridor?: string }, cmd: Command) => {
      const message = parsePacs008(readFileLimited(file, MAX_MESSAGE_BYTES));
      const override = corridorOption(opts.corridor);
      const outcomes = await withClient(cmd, undefined, async (c) => {
        const registry = override === undefined ? await c.registry.operatorInstitutions() : undefined;
        const out: TxOutcome[] = [];
        for (const tx of message.transactions) {
          try {
            const f = toPaymentFields(message, tx, override ?? (await corridorOf(tx, registry)));
            const r = await c.payments.attest(f, partyValuesOf(tx));
            out.push({
              uetr: f.uetr,
              endToEndId: f.endToEndId,
              status: r.created ? 'attested' : 'existing',
              state: r.record.state,
              transactionId: r.record.attestTxId,
            });
          } catch (err) {
            const e = toXborderError(err);
            out.push({ uetr: tx.uetr, endToEndId: tx.endToEndId, status: 'rejected', code: e.code, reason: e.message });
          }
        }
        return out;
      });
      outputFor(cmd).result({ msgId: message.msgId, msgType: message.msgType, transactions: outcomes }, (print) => {
        print(`${message.msgType} ${message.msgId}: ${String(outcomes.length)} transaction(s)`);
        printOutcomes(print, outcomes);
      });
      if (outcomes.some((o) => o.status === 'rejected')) process.exitCode = 1;
    });

  payment
    .command('confirm')
    .description('confirm payments from a pacs.002, with your own copy of the pacs.008, as the receiving institution')
    .argument('<pacs002>', 'pacs.002.001.10 to .14 XML file')
    .requiredOption('--pacs008 <file>', 'your copy of the original pacs.008')
    .option('--corridor <corridor>', 'HK-TH or TH-HK (default: from the registered institutions the agents resolve to)')
    .action(async (file: string, opts: { pacs008: string; corridor?: string }, cmd: Command) => {
      const status = parsePacs002(readFileLimited(file, MAX_MESSAGE_BYTES));
      const original = parsePacs008(readFileLimited(opts.pacs008, MAX_MESSAGE_BYTES));
      const override = corridorOption(opts.corridor);
      const outcomes = await withClient(cmd, undefined, async (c) => {
        const registry = await c.registry.operatorInstitutions();
        // a group status answers for the transactions whose creditor agent the confirming institution is
        const directory = directoryOf(registry);
        const answered: ReturnType<typeof answeredTransactions> = [];
        for (const a of answeredTransactions(status, original)) {
          const mine =
            status.statuses.length > 0 ||
            (await resolveAgent(a.tx.creditorAgent, directory, 'creditor agent').catch(() => undefined)) === c.profile.institution;
          if (mine) answered.push(a);
        }
        if (answered.length === 0)
          throw new XborderError('BAD_INPUT', `the pacs.002 answers no transaction whose creditor agent is ${c.profile.institution}`);
        const out: TxOutcome[] = [];
        for (const a of answered) {
          try {
            const fields = toPaymentFields(original, a.tx, override ?? (await corridorOf(a.tx, registry)));
            const r = await c.payments.confirm(fields, partyValuesOf(a.tx), {
              status: a.status,
              reasonCode: a.reasonCode,
              statusMessageHash: status.messageHash,
            });
            out.push({
              uetr: fields.uetr,
              endToEndId: fields.endToEndId,
              status: r.created ? 'confirmed' : 'existing',
              state: r.record.state,
              differingFields: r.record.differingFields,
              transactionId: r.confirmation.txId,
            });
          } catch (err) {
            const e = toXborderError(err);
            out.push({ uetr: a.tx.uetr, endToEndId: a.tx.endToEndId, status: 'rejected', code: e.code, reason: e.message });
          }
        }
        return out;
      });
      outputFor(cmd).result({ msgId: status.msgId, originalMsgId: status.originalMsgId, transactions: outcomes }, (print) => {
        print(`${status.msgType} ${status.msgId} for ${status.originalMsgId}: ${String(outcomes.length)} status(es)`);
        printOutcomes(print, outcomes);
      });
      if (outcomes.some((o) => o.status === 'rejected')) process.exitCode = 1;
    });

  payment
    .command('event')
    .description('record a return (pacs.004) or cancellation (camt.056 / camt.029) as a new record linked to a payment')
    .argument('<uetr>')
    .requiredOption('--type <type>', 'RETURN, CANCELLATION_REQUEST or CANCELLATION_RESOLUTION')
    .requiredOption('--message-type <id>', 'e.g. pacs.004.001.09, camt.056.001.08, camt.029.001.09')
    .requiredOption('--message <file>', 'the message itself; only its SHA-256 goes on the ledger')
    .option('--reason <code>', 'ISO reason code, e.g. AC04')
    .action(async (uetr: string, opts: { type: string; messageType: string; message: string; reason?: string }, cmd: Command) => {
      if (opts.type !== 'RETURN' && opts.type !== 'CANCELLATION_REQUEST' && opts.type !== 'CANCELLATION_RESOLUTION') {
        throw new XborderError('USAGE', '--type must be RETURN, CANCELLATION_REQUEST or CANCELLATION_RESOLUTION');
      }
      const messageHash = createHash('sha256').update(readFileLimited(opts.message, MAX_MESSAGE_BYTES)).digest('hex');
      const type = opts.type;
      const e = await withClient(cmd, undefined, (c) =>
        c.payments.recordEvent({ uetr, type, messageType: opts.messageType, messageHash, reasonCode: opts.reason ?? null }),
      );
      outputFor(cmd).result(e, (print) => {
        print(`${e.type} ${e.messageType} recorded for ${e.uetr} by ${e.institution} in ${e.txId}`);
      });
    });

  payment
    .command('get')
    .description('a payment with its confirmations and later events')
    .argument('<uetr>')
    .action(async (uetr: string, _o: unknown, cmd: Command) => {
      const p = await withClient(cmd, undefined, (c) => c.payments.get(uetr));
      outputFor(cmd).result(p, (print) => {
        const r = p.record;
        for (const line of table([
          ['uetr', r.uetr],
          ['end-to-end id', r.endToEndId],
          ['corridor', `${r.corridor} on ${r.settlementDate}`],
          ['amount', `${r.amount.currency} ${r.amount.value} -> ${r.settlementAmount.currency} ${r.settlementAmount.value}`],
          ['state', `${r.state}${r.lastStatus ? ` (${r.lastStatus}${r.reasonCode ? ` ${r.reasonCode}` : ''})` : ''}`],
          ['differs', r.differingFields.join(', ') || '-'],
          ['attested', `${r.attester} in ${r.attestTxId} at ${r.attestedAt}`],
          ['confirmed', r.confirmTxId ? `${r.confirmer ?? ''} in ${r.confirmTxId} at ${r.confirmedAt ?? ''}` : '-'],
          ['events', p.events.map((e) => `${e.type} ${e.messageType}`).join(', ') || '-'],
        ]))
          print(line);
      });
    });

  payment
    .command('list')
    .description('payments by corridor, status or institution, one page at a time')
    .option('--corridor <corridor>')
    .option('--status <state>', 'ATTESTED, CONFIRMED, DISPUTED or REJECTED')
    .option('--institution <id>')
    .option('--from-date <date>', 'settlement date, YYYY-MM-DD')
    .option('--to-date <date>', 'settlement date, YYYY-MM-DD (inclusive)')
    .option('--page-size <n>', `payments per page (max ${String(MAX_PAGE_SIZE)})`, String(DEFAULT_PAGE_SIZE))
    .option('--bookmark <bookmark>')
    .action(async (opts: Record<string, string | undefined>, cmd: Command) => {
      const filters = (['corridor', 'status', 'institution'] as const).filter((f) => opts[f] !== undefined);
      if (filters.length !== 1) throw new XborderError('USAGE', 'give exactly one of --corridor, --status, --institution');
      const filter = filters[0] ?? 'corridor';
      const page = await withClient(cmd, undefined, (c) =>
        c.payments.list({
          filter,
          value: opts[filter] ?? '',
          ...(opts.fromDate !== undefined ? { fromDate: opts.fromDate } : {}),
          ...(opts.toDate !== undefined ? { toDate: opts.toDate } : {}),
          pageSize: positiveInt(opts.pageSize ?? '50', '--page-size'),
          ...(opts.bookmark !== undefined ? { bookmark: opts.bookmark } : {}),
        }),
      );
      outputFor(cmd).result(page, (print) => {
        for (const line of table(
          page.items.map((p) => [p.settlementDate, p.corridor, p.state, `${p.amount.currency} ${p.amount.value}`, p.uetr, p.attester]),
        ))
          print(line);
        if (page.bookmark !== '') print(`more: --bookmark '${page.bookmark}'`);
      });
    });

  payment
    .command('reconcile')
    .description("a corridor's day: counts and sums per currency and state, unconfirmed and disputed payments")
    .requiredOption('--date <date>', 'settlement date, YYYY-MM-DD')
    .requiredOption('--corridor <corridor>', 'HK-TH or TH-HK')
    .option('--institution <id>', 'only the payments this institution sent or received')
    .action(async (opts: { date: string; corridor: string; institution?: string }, cmd: Command) => {
      const corridor = corridorOption(opts.corridor) ?? 'HK-TH';
      const r = await withClient(cmd, undefined, (c) => c.payments.reconcile(opts.date, corridor, opts.institution));
      outputFor(cmd).result(r, (print) => {
        print(`${r.corridor}${r.institution !== null ? ` (${r.institution})` : ''} ${r.date} as of ${r.asOf}`);
        for (const line of table([
          ['state', 'count', 'instructed', 'settled'],
          ...r.totals.map((t) => [t.state, String(t.count), `${t.currency} ${t.amount}`, `${t.settlementCurrency} ${t.settlementAmount}`]),
        ]))
          print(`  ${line}`);
        print(
          `unconfirmed after ${String(r.unconfirmedAfterMinutes)} min: ${r.unconfirmed.length === 0 ? 'none' : r.unconfirmed.map((u) => u.uetr).join(', ')}`,
        );
        for (const d of r.disputed) print(`disputed ${d.uetr}: ${d.differingFields.join(', ')}`);
        for (const d of r.rejected) print(`rejected ${d.uetr}: ${d.reasonCode ?? ''}`);
      });
    });

  payment
    .command('purge-messages')
    .description('operator admins: purge kept pacs.008 messages (personal data) whose retention has ended')
    .option('--older-than-days <n>', 'retention after settlement, in days (at least 90)', String(DEFAULT_MESSAGE_RETENTION_DAYS))
    .option('--before <date>', 'purge messages of payments settled before this date instead (YYYY-MM-DD)')
    .action(async (opts: { olderThanDays: string; before?: string }, cmd: Command) => {
      const days = positiveInt(opts.olderThanDays, '--older-than-days');
      const before = opts.before ?? new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
      const r = await withClient(cmd, undefined, (c) => c.payments.purgeMessages(before));
      outputFor(cmd).result(r, (print) => {
        print(`purged ${String(r.purged)} kept message(s) of payments settled before ${r.beforeDate}`);
      });
    });
}
