#!/usr/bin/env node
import { Command, CommanderError } from 'commander';

import { XborderError } from '@xborder/sdk';
import { registerAudit } from './audit';
import { registerConsole } from './console';
import { registerEvents } from './events';
import { withClient, outputFor } from './context';
import { registerIntel } from './intel';
import { registerIndex } from './ledger-index';
import { registerMember } from './member';
import { reportError } from './output';
import { registerPayment } from './payment';
import { registerRegistry } from './registry';
import { registerTaxii } from './taxii';

/** Builds the `xborder` command line (exported for tests). */
export function buildProgram(): Command {
  const program = new Command('xborder')
    .description('xborder: cross-border threat intelligence and payment attestation on Hyperledger Fabric')
    .option('--as <identity>', 'local identity to act as (env XB_IDENTITY)')
    .option('--json', 'machine-readable output')
    .option('--home <dir>', 'network home with identities/ (env XB_HOME, default: nearest .xborder)')
    .option('--peer <name>', 'gateway peer (default: your own operator)')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('whoami')
    .description('your identity as the chaincode sees it')
    .action(async (_o: unknown, cmd: Command) => {
      const me = await withClient(cmd, undefined, (c) => c.probe.whoAmI());
      outputFor(cmd).result(me, (print) => {
        print(`${me.institution ?? '-'} (${me.mspId}, ${me.role ?? 'no role'})`);
      });
    });
  registerIntel(program);
  registerPayment(program);
  registerRegistry(program);
  registerAudit(program);
  registerEvents(program);
  registerTaxii(program);
  registerIndex(program);
  registerConsole(program);
  registerMember(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  const json = argv.includes('--json');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    return reportError(err instanceof XborderError ? err : err, json);
  }
}

if (require.main === module) {
  // a reader that stops early (`| head`) closes the pipe: that ends the output, it is not an error
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });

  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
