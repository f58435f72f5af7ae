/**
 * DEPLOYMENT.md and the tools cannot drift apart: every `xbnet` and `xborder` command the document
 * tells an operator to run is extracted from it and parsed by the real command parsers (each command
 * exists, each flag is one it takes, values are well formed). The two-hosts integration test runs the
 * same extracted commands on a real two-operator deployment.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { expect } from 'chai';
import type { Command } from 'commander';

import { buildProgram } from '@xborder/cli/internal/main';
import { parseArgs } from '@xborder/network/internal/args';

import { deploymentCommands, PLACEHOLDER } from '../../test/support/deployment-doc';
import { REPO_ROOT } from '../../test/support/paths';

/** The subcommand `words` names and the long flags it (or a parent) accepts. */
function resolve(program: Command, words: readonly string[]): { command: Command; flags: Set<string> } {
  let command = program;
  const flags = new Set(program.options.map((o) => o.long ?? ''));
  for (const word of words) {
    const next = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) break;
    command = next;
    for (const o of command.options) flags.add(o.long ?? '');
  }
  return { command, flags };
}

describe('DEPLOYMENT.md commands against the real parsers', () => {
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'DEPLOYMENT.md'), 'utf8');
  const commands = deploymentCommands(doc);

  it('finds the walkthrough: both tools, every step', () => {
    expect(commands.filter((c) => c.tool === 'xbnet').length).to.be.greaterThan(20);
    expect(commands.filter((c) => c.tool === 'xborder').length).to.be.greaterThan(0);
  });

  it('every xbnet command parses: the command exists and takes every flag given', () => {
    for (const c of commands.filter((x) => x.tool === 'xbnet')) {
      // a placeholder stands for a well-formed value of its flag
      const args = c.args.map((a, i) => (a === PLACEHOLDER ? (c.args[i - 1] === '--sha256' ? '0'.repeat(64) : 'x') : a));
      expect(() => parseArgs(args), c.line).to.not.throw();
      expect(parseArgs(args).command, c.line).to.equal(args[0]);
    }
  });

  it('every xborder command names a real subcommand and only flags it takes', () => {
    const program = buildProgram();
    for (const c of commands.filter((x) => x.tool === 'xborder')) {
      const words = c.args.filter(
        (a, i) => !a.startsWith('-') && !(i > 0 && c.args[i - 1]?.startsWith('--') === true && !c.args[i - 1]?.includes('=')),
      );
      const { command, flags } = resolve(program, words);
      expect(command.name(), c.line).to.not.equal(program.name());
      expect(command.commands.length, `${c.line}: names a command group, not a command`).to.equal(0);
      for (const flag of c.args.filter((a) => a.startsWith('--')))
        expect(flags.has(flag.split('=')[0] ?? ''), `${c.line}: ${flag}`).to.equal(true);
    }
  });
});
