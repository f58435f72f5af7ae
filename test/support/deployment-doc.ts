/**
 * The commands DEPLOYMENT.md tells an operator to run, extracted from its shell blocks: each `xbnet` or
 * `xborder` line (continuations joined, comments dropped, `<placeholders>` kept as one word), with its
 * arguments split as a shell would for these simple lines.
 */
export interface DocCommand {
  readonly tool: 'xbnet' | 'xborder';
  /** The arguments after the tool's name. */
  readonly args: string[];
  /** The line as written. */
  readonly line: string;
}

/** A placeholder (`<the hash HK read out>`) stands for one value. */
export const PLACEHOLDER = 'PLACEHOLDER';

export function deploymentCommands(markdown: string): DocCommand[] {
  const out: DocCommand[] = [];
  const blocks = markdown.match(/```(?:bash|sh|shell)\n[\s\S]*?```/g) ?? [];
  for (const block of blocks) {
    const body = block
      .replace(/^```[a-z]*\n/, '')
      .replace(/```$/, '')
      .replace(/\\\n\s*/g, ' ');
    for (const raw of body.split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      const m = /^(?:sudo\s+(?:-u\s+\S+\s+)?)?(xbnet|xborder)\s+(.*)$/.exec(line);
      if (!m) continue;
      const args = (m[2] ?? '')
        .replace(/<[^>]*>/g, PLACEHOLDER)
        .split(/\s+/)
        .filter((a) => a !== '');
      out.push({ tool: m[1] as 'xbnet' | 'xborder', args, line });
    }
  }
  return out;
}
