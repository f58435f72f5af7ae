#!/usr/bin/env node
import { USAGE, UsageError, parseArgs } from './args';
import * as fs from 'node:fs';

import { acceptChannel, currentChannel, proposalProblems, proposeChannel, renderSummary, summariseBlock } from './channel-agreement';
import { approveChaincode, commitChaincode, waitForEndorsers } from './chaincode';
import { applyChange, createConfigUpdate, joiningOrgGroup, readConfigUpdate, signConfigUpdate, submitConfigUpdate } from './config-update';
import { clean, defaultChaincode, deploy, down, processManager, registerMember, restartChaincode, status, up } from './network';
import { fileSha256, parseJoiningDefinition } from './org-definition';
import { addOrderer, orgImport, orgInit, orgUp, removeOrderer, siteConfig } from './site';
import { writeUnits } from './units';
import type { NetworkStatus } from './network';
import * as path from 'node:path';

import { localOrderers, resolveConfig } from './config';
import type { NetworkConfig } from './config';
import type { ConfigChange } from './config-update';
import { ordererDir } from './nodes';
import { partyKeysFile, rotatePartyKey } from './party-keys';

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

/** The consenter changes of `config-create`, by node name, from this folder's configuration. */
function consenterChange(config: NetworkConfig, add: string | undefined, remove: string | undefined): ConfigChange {
  const node = (name: string): NetworkConfig['orderers'][number] => {
    const found = config.orderers.find((o) => o.name === name);
    if (!found)
      throw new UsageError(`no ordering node ${name} in this folder's configuration (${config.orderers.map((o) => o.name).join(', ')})`);
    return found;
  };
  const change: { addConsenter?: ConfigChange['addConsenter']; removeConsenter?: string } = {};
  if (remove !== undefined) {
    const o = node(remove);
    change.removeConsenter = `${o.host}:${String(o.port)}`;
  }
  if (add !== undefined) {
    const o = node(add);
    if (!localOrderers(config).includes(o)) throw new UsageError(`${add} is another operator's node: that operator adds it`);
    const dir = ordererDir(config, o);
    const org = config.orgs[o.org];
    change.addConsenter = {
      orgName: org.name,
      mspId: org.mspId,
      host: o.host,
      port: o.port,
      identityPem: fs.readFileSync(path.join(dir, 'msp', 'signcerts', 'cert.pem'), 'utf8'),
      tlsCertPem: fs.readFileSync(path.join(dir, 'tls', 'server.crt'), 'utf8'),
    };
  }
  return change;
}

function need<T>(value: T | undefined): T {
  if (value === undefined) throw new UsageError('a required flag is missing');
  return value;
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
    case 'org-init': {
      const r = await orgInit(args.options, log);
      log(`organisation definition ${r.definition}`);
      log(`SHA-256 ${r.sha256}: read it to the other operators; they compare it when they import`);
      break;
    }
    case 'org-import': {
      const r = orgImport(args.options, need(args.file));
      log(
        `imported ${r.definition.mspId} (${r.definition.peers.length} peer(s), ${r.definition.orderers.length} orderer(s)); SHA-256 ${r.sha256}`,
      );
      break;
    }
    case 'channel-propose': {
      const r = await proposeChannel(siteConfig(args.options));
      process.stdout.write(renderSummary(r.summary));
      log(`proposed block ${r.block}`);
      log(`SHA-256 ${r.sha256}: every organisation reviews the block and accepts it with this hash`);
      const keys = partyKeysFile(siteConfig(args.options));
      if (fs.existsSync(keys))
        log(
          `operators' party keys ${keys} (SHA-256 ${fileSha256(keys)}): send to the other operator over a secure channel only; it compares this hash`,
        );
      break;
    }
    case 'channel-review': {
      const config = siteConfig(args.options);
      const block = need(args.block);
      const summary = await summariseBlock(config, block);
      process.stdout.write(renderSummary(summary));
      const problems = proposalProblems(config, summary);
      log(`SHA-256 ${fileSha256(block)}`);
      for (const problem of problems) log(`objection: ${problem}`);
      if (problems.length === 0) log(`no objection from ${config.orgs[config.site ?? 'hk'].mspId}`);
      return problems.length === 0 ? 0 : 1;
    }
    case 'channel-accept': {
      const config = siteConfig(args.options);
      const summary = await acceptChannel(config, need(args.block), need(args.sha256));
      log(`accepted channel ${summary.channel} (${String(summary.consenters.length)} consenters); run org-up`);
      break;
    }
    case 'org-up':
      await orgUp(args.options, log);
      break;
    case 'chaincode-approve': {
      const config = siteConfig(args.options);
      const r = await approveChaincode(config, processManager(config), args.chaincode ?? defaultChaincode(config), log);
      log(`chaincode xborder version ${r.version} sequence ${String(r.sequence)}: ${r.outcome}`);
      // both operators' chaincode servers must hold the same party keys: the hashes printed on both hosts agree
      log(`operators' party keys in use: SHA-256 ${fileSha256(partyKeysFile(config))}`);
      break;
    }
    case 'chaincode-commit': {
      const config = siteConfig(args.options);
      const r = await commitChaincode(config, processManager(config), args.chaincode ?? defaultChaincode(config), log);
      await waitForEndorsers(config, 'xborder');
      log(`chaincode xborder version ${r.version} sequence ${String(r.sequence)}: ${r.outcome}`);
      break;
    }
    case 'channel-show': {
      const config = siteConfig(args.options);
      process.stdout.write(renderSummary(await currentChannel(config)));
      break;
    }
    case 'config-create': {
      const config = siteConfig(args.options);
      let change = need(args.change);
      change = { ...change, ...consenterChange(config, args.addConsenter, args.removeConsenter) };
      if (args.addOrg !== undefined) {
        const joining = parseJoiningDefinition(fs.readFileSync(args.addOrg, 'utf8'), args.addOrg);
        change = { ...change, addOrg: { name: joining.name, group: await joiningOrgGroup(config, joining) } };
      }
      const lines = await createConfigUpdate(config, (current) => applyChange(current, change), need(args.out));
      for (const line of lines) log(`changes ${line}`);
      log(
        `update written to ${need(args.out)} (SHA-256 ${fileSha256(need(args.out))}); sign with config-sign, then the other operator submits`,
      );
      break;
    }
    case 'config-sign': {
      const config = siteConfig(args.options);
      for (const line of await readConfigUpdate(config, need(args.file))) log(`changes ${line}`);
      await signConfigUpdate(config, need(args.file));
      log(`signed as ${config.orgs[config.site ?? 'hk'].mspId} admin`);
      break;
    }
    case 'config-submit': {
      const config = siteConfig(args.options);
      for (const line of await readConfigUpdate(config, need(args.file))) log(`changes ${line}`);
      await submitConfigUpdate(config, need(args.file));
      log('configuration update submitted');
      break;
    }
    case 'orderer-add': {
      const name = await addOrderer(args.options, log);
      log(`${name} enrolled; make it a consenter with config-create --add-consenter ${name} (signed by both operators), then org-up`);
      break;
    }
    case 'orderer-remove':
      await removeOrderer(args.options, need(args.ordererName), log);
      break;
    case 'units': {
      const config = siteConfig(args.options);
      const user = args.user ?? 'xborder';
      const written = writeUnits(config, need(args.out), user);
      log(`wrote ${String(written.length)} units to ${need(args.out)}: ${written.join(', ')}`);
      log(
        `they run as ${user}: stop what org-up started (xbnet down --home ${config.home}), then create the account and give it the folder ` +
          `(useradd --system --no-create-home ${user}; chown -R ${user}: ${config.home}) before systemctl enable --now`,
      );
      break;
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

// a reader that stops early (`| head`) closes the pipe: that ends the output, it is not an error
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

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
