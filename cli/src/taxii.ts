/**
 * `xborder taxii`: a TAXII 2.1 server in front of one identity, and the credentials of the tools that
 * may use it. Defaults live in the network home: `taxii/<identity>/credentials.json` (hashes only),
 * `taxii/<identity>/state/` (cursor key, status resources), and the TLS certificate the network issued
 * for the organisation's TAXII servers (`orgs/<org>/taxii/tls/`).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Command } from 'commander';

import { XborderError } from '@xborder/sdk';
import { IndexFollower } from '@xborder/ledger-index';
import { defaultIndexFile } from './ledger-index';
import { createTaxiiServer, hashPassword, IndexSource, newToken, readCredentials, watchedCredentials } from '@xborder/taxii';
import type { CredentialsFile } from '@xborder/taxii';

import { globals, homeOf, outputFor, withClient } from './context';
import { readAllStdin } from './inputs';
import { nonNegative, positiveInt } from './numbers';
import { table } from './output';

interface ServeOptions {
  host: string;
  port: string;
  credentials?: string;
  state?: string;
  tlsCert?: string;
  tlsKey?: string;
  clientCa?: string;
  insecureHttp?: boolean;
  maxContentLength: string;
  rateLimit: string;
  publicUrl?: string;
  index?: string;
}

function identityOf(cmd: Command): string {
  const identity = globals(cmd).as ?? process.env.XB_IDENTITY;
  if (identity === undefined || identity === '') throw new XborderError('CONFIG', 'say which identity the server acts as: --as <identity>');
  return identity;
}

function taxiiDir(cmd: Command, identity: string): string {
  return path.join(homeOf(cmd), 'taxii', identity);
}

function credentialsFile(cmd: Command, identity: string, given: string | undefined): string {
  return given ?? path.join(taxiiDir(cmd, identity), 'credentials.json');
}

/** The organisation folder of an identity's MSP (`HKMSP` -> `hk`). */
function orgKeyOf(mspId: string): string {
  return mspId.replace(/MSP$/, '').toLowerCase();
}

function readFileOrFail(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new XborderError('CONFIG', `${what} ${file} cannot be read`);
  }
}

function loadCredentials(file: string): CredentialsFile {
  if (!fs.existsSync(file))
    throw new XborderError('CONFIG', `no credentials file ${file}: add a client first (xborder taxii add-token <name> or add-user <name>)`);
  try {
    return readCredentials(file);
  } catch (err) {
    throw new XborderError('CONFIG', err instanceof Error ? err.message : String(err));
  }
}

function updateCredentials(file: string, change: (c: CredentialsFile) => CredentialsFile): void {
  const current: CredentialsFile = fs.existsSync(file) ? loadCredentials(file) : {};
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(change(current), null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

function refuseDuplicate(c: CredentialsFile, name: string): void {
  const names = [
    ...(c.basic ?? []).map((b) => b.user),
    ...(c.tokens ?? []).map((t) => t.name),
    ...(c.certificates ?? []).map((x) => x.name),
  ];
  if (names.includes(name)) throw new XborderError('BAD_INPUT', `a client named ${name} already exists; remove it first`);
}

export function registerTaxii(program: Command): void {
  const taxii = program.command('taxii').description('TAXII 2.1 server for your institution\u2019s tools (MISP, OpenCTI, SIEMs)');

  taxii
    .command('serve')
    .description('serve TAXII 2.1 as --as <identity>: reads through the ledger\u2019s rules, posts signed by the institution')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '9443')
    .option('--credentials <file>', 'client credentials (hashes only; default <home>/taxii/<identity>/credentials.json)')
    .option('--state <dir>', 'cursor key and status resources (default <home>/taxii/<identity>/state)')
    .option('--tls-cert <file>', 'server certificate (default: the one the network issued for your organisation)')
    .option('--tls-key <file>', 'its private key')
    .option('--client-ca <file>', 'also accept client certificates issued by this CA (and listed in the credentials)')
    .option('--insecure-http', 'serve plain HTTP (only behind a TLS-terminating proxy on the same host)')
    .option('--max-content-length <bytes>', 'largest envelope accepted', String(10 * 1024 * 1024))
    .option('--rate-limit <n>', 'requests per client per minute', '600')
    .option('--public-url <url>', 'base URL clients use (default: the address the server is bound to)')
    .option('--index <file>', 'the ledger index the server lists from (SQLite; default <home>/index/<identity>.sqlite)')
    .action(async (o: ServeOptions, cmd: Command) => {
      const identity = identityOf(cmd);
      const file = credentialsFile(cmd, identity, o.credentials);
      loadCredentials(file);
      // read again when the file changes: clients added or removed take effect without a restart
      const credentials = watchedCredentials(file, (message) => {
        process.stderr.write(`[taxii] credentials: ${message} (the last good ones stay in force)\n`);
      });
      const out = outputFor(cmd);
      await withClient(cmd, identity, async (client) => {
        // a TAXII server serves a member institution's tools; auditors read no content
        if (client.profile.role !== 'submitter')
          throw new XborderError(
            'CONFIG',
            `${identity} is ${client.profile.role === 'auditor' || client.profile.role === 'admin' ? 'an' : 'a'} ${client.profile.role} identity; a TAXII server acts as a member institution (auditors use xborder audit)`,
          );
        let tls: { cert: string; key: string; clientCa?: string } | undefined;
        if (o.insecureHttp !== true) {
          const dir = path.join(homeOf(cmd), 'orgs', orgKeyOf(client.profile.mspId), 'taxii', 'tls');
          tls = {
            cert: readFileOrFail(o.tlsCert ?? path.join(dir, 'server.crt'), 'TLS certificate'),
            key: readFileOrFail(o.tlsKey ?? path.join(dir, 'server.key'), 'TLS key'),
            ...(o.clientCa !== undefined ? { clientCa: readFileOrFail(o.clientCa, 'client CA') } : {}),
          };
        }
        // listings come from an index that follows the chain in commit order (date_added strictly
        // increasing there): it catches up before the server answers, then follows each block
        const indexFile = o.index ?? defaultIndexFile(cmd, identity);
        const follower = await IndexFollower.open(client, indexFile, {
          onError: (err) => {
            process.stderr.write(`[taxii] index: ${err.message} (retrying)\n`);
          },
        });
        try {
          const caughtUp = await follower.catchUp();
          follower.start();
          const server = createTaxiiServer({
            source: new IndexSource(client, follower),
            stateDir: o.state ?? path.join(taxiiDir(cmd, identity), 'state'),
            credentials,
            ...(tls ? { tls } : {}),
            maxContentLength: positiveInt(o.maxContentLength, '--max-content-length'),
            rateLimitPerMinute: positiveInt(o.rateLimit, '--rate-limit'),
            ...(o.publicUrl !== undefined ? { publicUrl: o.publicUrl } : {}),
          });
          const address = await server.app.listen({ host: o.host, port: nonNegative(o.port, '--port') ?? 9443 });
          out.result(
            { listening: `${address}/taxii2/`, identity, tls: tls !== undefined, index: { file: indexFile, nextBlock: caughtUp } },
            (print) => {
              print(`TAXII 2.1 server of ${client.profile.institution} at ${address}/taxii2/ (API root ${address}/xborder/)`);
              print(`index ${indexFile}: blocks 0-${String(caughtUp - 1)}`);
            },
          );
          await new Promise<void>((resolve) => {
            const stop = (): void => {
              resolve();
            };
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
          });
          await server.close();
        } finally {
          await follower.close();
        }
      });
    });

  taxii
    .command('add-token <name>')
    .description('create a bearer token for a client; prints it once (only its hash is kept)')
    .option('--credentials <file>', 'credentials file (default <home>/taxii/<identity>/credentials.json)')
    .action((name: string, o: { credentials?: string }, cmd: Command) => {
      const file = credentialsFile(cmd, identityOf(cmd), o.credentials);
      const { token, sha256 } = newToken();
      updateCredentials(file, (c) => {
        refuseDuplicate(c, name);
        return { ...c, tokens: [...(c.tokens ?? []), { name, sha256 }] };
      });
      outputFor(cmd).result({ name, token, credentials: file }, (print) => {
        print(`token for ${name} (shown once; give it to the client, e.g. OpenCTI's TAXII connector):`);
        print(token);
      });
    });

  taxii
    .command('add-user <user>')
    .description('add an HTTP Basic user; the password is read from standard input (only an scrypt hash is kept)')
    .option('--credentials <file>', 'credentials file (default <home>/taxii/<identity>/credentials.json)')
    .action(async (user: string, o: { credentials?: string }, cmd: Command) => {
      const file = credentialsFile(cmd, identityOf(cmd), o.credentials);
      const password = (await readAllStdin()).toString('utf8').replace(/\r?\n$/, '');
      if (password.length < 12) throw new XborderError('BAD_INPUT', 'the password must have at least 12 characters');
      updateCredentials(file, (c) => {
        refuseDuplicate(c, user);
        return { ...c, basic: [...(c.basic ?? []), { user, scrypt: hashPassword(password) }] };
      });
      outputFor(cmd).result({ user, credentials: file }, (print) => {
        print(`user ${user} added to ${file}`);
      });
    });

  taxii
    .command('add-certificate <name> <certificate>')
    .description('allow a client certificate (PEM), checked against --client-ca when serving')
    .option('--credentials <file>', 'credentials file (default <home>/taxii/<identity>/credentials.json)')
    .action((name: string, certificate: string, o: { credentials?: string }, cmd: Command) => {
      const file = credentialsFile(cmd, identityOf(cmd), o.credentials);
      let fingerprint256: string;
      try {
        fingerprint256 = new crypto.X509Certificate(fs.readFileSync(certificate)).fingerprint256.replace(/:/g, '').toLowerCase();
      } catch {
        throw new XborderError('BAD_INPUT', `${certificate} is not a PEM certificate`);
      }
      updateCredentials(file, (c) => {
        refuseDuplicate(c, name);
        return { ...c, certificates: [...(c.certificates ?? []), { name, fingerprint256 }] };
      });
      outputFor(cmd).result({ name, fingerprint256, credentials: file }, (print) => {
        print(`certificate ${fingerprint256} allowed as ${name}`);
      });
    });

  taxii
    .command('clients')
    .description('the clients allowed: names and kinds, never a secret')
    .option('--credentials <file>', 'credentials file (default <home>/taxii/<identity>/credentials.json)')
    .action((o: { credentials?: string }, cmd: Command) => {
      const c = loadCredentials(credentialsFile(cmd, identityOf(cmd), o.credentials));
      const clients = [
        ...(c.tokens ?? []).map((t) => ({ name: t.name, kind: 'token' })),
        ...(c.basic ?? []).map((b) => ({ name: b.user, kind: 'basic' })),
        ...(c.certificates ?? []).map((x) => ({ name: x.name, kind: 'certificate', fingerprint256: x.fingerprint256 })),
      ];
      outputFor(cmd).result(clients, (print) => {
        for (const line of table([['NAME', 'KIND'], ...clients.map((x) => [x.name, x.kind])])) print(line);
      });
    });

  taxii
    .command('remove <name>')
    .description('remove a client (token, user or certificate); a running server refuses it from its next request')
    .option('--credentials <file>', 'credentials file (default <home>/taxii/<identity>/credentials.json)')
    .action((name: string, o: { credentials?: string }, cmd: Command) => {
      const file = credentialsFile(cmd, identityOf(cmd), o.credentials);
      let found = false;
      updateCredentials(file, (c) => {
        const next: CredentialsFile = {
          ...c,
          tokens: (c.tokens ?? []).filter((t) => t.name !== name),
          basic: (c.basic ?? []).filter((b) => b.user !== name),
          certificates: (c.certificates ?? []).filter((x) => x.name !== name),
        };
        found =
          next.tokens?.length !== (c.tokens ?? []).length ||
          next.basic?.length !== (c.basic ?? []).length ||
          next.certificates?.length !== (c.certificates ?? []).length;
        if (!found) throw new XborderError('BAD_INPUT', `no client named ${name} in ${file}`);
        return next;
      });
      outputFor(cmd).result({ removed: name, credentials: file }, (print) => {
        print(`removed ${name} from ${file}`);
      });
    });
}
