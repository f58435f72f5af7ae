#!/usr/bin/env node
import { USAGE, UsageError, parseArgs } from './args';
import * as fs from 'node:fs';

import { clean, deploy, down, registerMember, restartChaincode, status, up } from './network';
import type { NetworkStatus } from './network';
import { resolveConfig } from './config';
import { rotatePartyKey } from './party-keys';

function log(line: string): void {
  process.stdout.write(`[xbnet] ${line}\n`);
}

function printStatus(s: NetworkStatus): void {
  log(`network ${s.home} (profile ${s.profile}, blocks ${s.blocks}, channel ${s.channel})`);
  const width = Math.max(...s.processes.map((p) => p.name.length));
  for (const p of s.processes) {
    const pid = p.pid !== undefined ? String(p.pid).padStart(7) : '      -';
    process.stdout.write(`  ${p.name.padEnd(width)}  ${pid}  ${p.healthy ? 'OK  ' : 'FAIL'}  ${p.detail}\n`);
  }
  for (const [peer, height] of Object.entries(s.heights)) process.stdout.write(`  height at ${peer}: ${String(height)}\n`);
  for (const [name, seq] of Object.entries(s.chaincodes)) process.stdout.write(`  chaincode ${name}: sequence ${String(seq)}\n`);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), process.env);
  const started = Date.now();
  switch (args.command) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'up':
      await up(args.options, log, !args.skipDeploy);
      break;
    case 'down':
      await down(args.options, log);
      break;
    case 'restart':
      await down(args.options, log);
      await up(args.options, log, !args.skipDeploy);
      break;
    case 'clean':
      await clean(args.options, log);
      break;
    case 'deploy':
      await deploy(args.options, args.chaincode, log);
      break;
    case 'restart-chaincode':
      await restartChaincode(args.options, args.chaincodeName ?? 'xborder', log);
      break;
    case 'rotate-party-key': {
      const added = rotatePartyKey(resolveConfig(args.options), args.from);
      log(`party key ${added.id} commits payments settling from ${added.from}; chaincode servers pick it up when the file changes`);
      break;
    }
    case 'register-member': {
      const member = args.member;
      if (!member) throw new UsageError('register-member needs --org, --institution and --secret-file');
      const r = await registerMember(args.options, member);
      // the secret goes to an owner-only file that must not exist yet, never to the terminal or a log
      fs.writeFileSync(member.secretFile, `${r.secret}\n`, { mode: 0o600, flag: 'wx' });
      const caCertFile = `${member.secretFile}.ca.pem`;
      fs.writeFileSync(caCertFile, r.caCertPem, { flag: 'w' });
      const out = { institution: member.institution, org: member.org, caUrl: r.caUrl, caCert: caCertFile, secretFile: member.secretFile };
      if (args.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      else
        log(
          `${member.institution} registered at the ${member.org} CA (${r.caUrl}); give the institution ${member.secretFile} (secret, once) and ${caCertFile}; then register its certificate with xborder registry register-key`,
        );
      return 0;
    }
    case 'status': {
      const s = await status(args.options);
      if (args.json) process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
      else printStatus(s);
      return s.processes.every((p) => p.healthy) ? 0 : 1;
    }
  }
  log(`${args.command} done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`xbnet: ${err.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`xbnet: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
