import type { Command } from 'commander';

import { followEvents } from '@xborder/sdk';
import { withClient } from './context';
import { nonNegative, positiveInt } from './numbers';

export function registerEvents(program: Command): void {
  const events = program.command('events').description('chaincode events');
  events
    .command('follow')
    .description('print chaincode events as JSON lines, resuming from a checkpoint after a crash or kill')
    .option('--checkpoint <file>', 'checkpoint file (written after each event is printed)')
    .option('--from-block <n>', 'first block when there is no checkpoint', '0')
    .option('--limit <n>', 'stop after this many events')
    .action(async (opts: { checkpoint?: string; fromBlock: string; limit?: string }, cmd: Command) => {
      const fromBlock = nonNegative(opts.fromBlock, '--from-block') ?? 0;
      const limit = opts.limit !== undefined ? positiveInt(opts.limit, '--limit') : undefined;
      const controller = new AbortController();
      const stop = (): void => {
        controller.abort();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await withClient(cmd, undefined, (c) =>
          followEvents(
            c.gateway,
            c.profile.channel,
            process.env.XB_CHAINCODE ?? 'xborder',
            (event) =>
              new Promise<void>((resolve) => {
                // the checkpoint moves only once the line is out
                process.stdout.write(`${JSON.stringify(event)}\n`, () => {
                  resolve();
                });
              }),
            {
              ...(opts.checkpoint !== undefined ? { checkpointFile: opts.checkpoint } : {}),
              fromBlock: BigInt(fromBlock),
              ...(limit !== undefined ? { limit } : {}),
              signal: controller.signal,
            },
          ),
        );
      } finally {
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
      }
    });
}
