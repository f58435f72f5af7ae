/**
 * `xborder console`: the auditor console, a read-only web page over the ledger on loopback, as one
 * auditor identity. Prints (or writes to an owner-only file) the address with the access token in its
 * fragment; the page exchanges the token for a session cookie.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Command } from 'commander';

import { newAccessToken, startConsole } from '@xborder/console';
import { XborderError } from '@xborder/sdk';

import { globals, homeOf, outputFor, withClient } from './context';
import { nonNegative, positiveInt } from './numbers';

interface ConsoleOptions {
  host: string;
  port: string;
  days: string;
  tlsCert?: string;
  tlsKey?: string;
  anchor?: string;
  accessFile?: string;
}

function readOrFail(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new XborderError('CONFIG', `${what} ${file} cannot be read`);
  }
}

/** Writes the address with its token where only this user can read it. */
function writeAccessFile(file: string, url: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${String(process.pid)}.tmp`;
  fs.writeFileSync(tmp, `${url}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function registerConsole(program: Command): void {
  program
    .command('console')
    .description('serve the read-only auditor console (web page) as --as <auditor identity>')
    .option('--host <address>', 'address to listen on (keep it loopback unless behind an authenticating proxy)', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '9480')
    .option('--days <n>', 'days of activity the overview shows', '30')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'and its private key')
    .option('--anchor <file>', 'trust anchor the page checks proofs against (default <home>/channel/anchor.json)')
    .option('--access-file <file>', 'write the address with its access token to this owner-only file instead of printing the token')
    .action(async (o: ConsoleOptions, cmd: Command) => {
      if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw new XborderError('USAGE', 'give --tls-cert and --tls-key together');
      const identity = globals(cmd).as ?? process.env.XB_IDENTITY;
      if (identity === undefined || identity === '')
        throw new XborderError('CONFIG', 'say which auditor identity the console reads as: --as <identity>');
      const anchorFile = o.anchor ?? path.join(homeOf(cmd), 'channel', 'anchor.json');
      const anchorText = o.anchor !== undefined || fs.existsSync(anchorFile) ? readOrFail(anchorFile, 'trust anchor') : undefined;
      const tls =
        o.tlsCert !== undefined && o.tlsKey !== undefined
          ? { cert: readOrFail(o.tlsCert, 'TLS certificate'), key: readOrFail(o.tlsKey, 'TLS key') }
          : undefined;
      const days = positiveInt(o.days, '--days');
      if (days > 366) throw new XborderError('USAGE', '--days is at most 366');
      const out = outputFor(cmd);
      await withClient(cmd, undefined, async (client) => {
        // the console is for auditors: an identity that may write has no business behind a web page
        if (client.profile.role !== 'auditor')
          throw new XborderError(
            'CONFIG',
            `${identity} is a ${client.profile.role} identity; the console reads as an auditor identity (role auditor)`,
          );
        const token = newAccessToken();
        const running = await startConsole({
          client,
          accessToken: token,
          host: o.host,
          port: nonNegative(o.port, '--port') ?? 9480,
          days,
          ...(tls ? { tls } : {}),
          ...(anchorText !== undefined ? { anchorText, anchorSource: path.basename(anchorFile) } : {}),
          onError: (m) => process.stderr.write(`console: ${m}\n`),
        });
        const access = `${running.url}#token=${token}`;
        if (o.accessFile !== undefined) writeAccessFile(o.accessFile, access);
        const built = running.view.overview();
        out.result(
          {
            url: running.url,
            identity,
            tls: tls !== undefined,
            ...(o.accessFile !== undefined ? { accessFile: o.accessFile } : { access }),
            intel: built.intel.total,
            payments: built.payments.total,
            builtInMs: built.builtInMs,
          },
          (print) => {
            print(
              `auditor console of ${identity} at ${running.url} (read only; ${String(built.intel.total)} intel versions, ${String(built.payments.total)} payments in ${String(built.builtInMs)} ms)`,
            );
            if (o.accessFile !== undefined) print(`open the address in ${o.accessFile} (it carries the access token)`);
            else print(`open ${access}`);
          },
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await running.close();
      });
    });
}
