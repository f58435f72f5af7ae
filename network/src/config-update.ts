import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { NetworkConfig } from './config';
import { paths } from './config';
import { run } from './exec';
import { ordererFlags, peerAdminEnv } from './nodes';
import { NetworkError } from './processes';

/** The channel configuration as configtxlator prints it (JSON of common.Config). */
export type ChannelConfigJson = { channel_group: Record<string, unknown> } & Record<string, unknown>;

/**
 * Changes the channel configuration the way two operators do: the HK admin fetches the configuration
 * block, the change is computed as a configuration update (configtxlator), the HK admin signs it and
 * the TH admin signs and submits it, so the update carries both operators' admin signatures (the
 * Application group's Admins policy needs both). The new
 * configuration block follows once the orderers have ordered the update.
 */
export async function updateChannelConfig(config: NetworkConfig, change: (current: ChannelConfigJson) => ChannelConfigJson): Promise<void> {
  const p = paths(config);
  const peer = path.join(p.bin, 'peer');
  const lator = path.join(p.bin, 'configtxlator');
  const { hk, th } = config.orgs;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-config-update-'));
  const file = (name: string): string => path.join(dir, name);
  try {
    await run(peer, ['channel', 'fetch', 'config', file('config.block'), '-c', config.channel, ...ordererFlags(config)], 'fetch config', {
      env: peerAdminEnv(config, hk),
    });
    await run(lator, ['proto_decode', '--input', file('config.block'), '--type', 'common.Block', '--output', file('block.json')], 'decode');
    const block = JSON.parse(fs.readFileSync(file('block.json'), 'utf8')) as {
      header: { number: string };
      data: { data: { payload: { data: { config: ChannelConfigJson } } }[] };
    };
    const current = block.data.data[0]?.payload.data.config;
    if (!current) throw new NetworkError('the configuration block holds no configuration');
    const updated = change(JSON.parse(JSON.stringify(current)) as ChannelConfigJson);
    fs.writeFileSync(file('current.json'), JSON.stringify(current));
    fs.writeFileSync(file('updated.json'), JSON.stringify(updated));
    for (const name of ['current', 'updated'])
      await run(
        lator,
        ['proto_encode', '--input', file(`${name}.json`), '--type', 'common.Config', '--output', file(`${name}.pb`)],
        'encode',
      );
    await run(
      lator,
      [
        'compute_update',
        '--channel_id',
        config.channel,
        '--original',
        file('current.pb'),
        '--updated',
        file('updated.pb'),
        '--output',
        file('update.pb'),
      ],
      'compute update',
    );
    await run(
      lator,
      ['proto_decode', '--input', file('update.pb'), '--type', 'common.ConfigUpdate', '--output', file('update.json')],
      'decode update',
    );
    const envelope = {
      payload: {
        header: { channel_header: { channel_id: config.channel, type: 2 } },
        data: { config_update: JSON.parse(fs.readFileSync(file('update.json'), 'utf8')) as unknown },
      },
    };
    fs.writeFileSync(file('envelope.json'), JSON.stringify(envelope));
    await run(
      lator,
      ['proto_encode', '--input', file('envelope.json'), '--type', 'common.Envelope', '--output', file('envelope.pb')],
      'encode envelope',
    );
    await run(peer, ['channel', 'signconfigtx', '-f', file('envelope.pb')], 'HK admin signs the update', { env: peerAdminEnv(config, hk) });
    await run(
      peer,
      ['channel', 'update', '-f', file('envelope.pb'), '-c', config.channel, ...ordererFlags(config)],
      'TH admin signs and submits',
      {
        env: peerAdminEnv(config, th),
      },
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
