/**
 * Proofs: drop (or choose) a proof file and it is checked here, in the page, by the same named checks
 * as `xborder audit check-proof`; against the anchor file given, else the network's published anchor.
 */
import type { Anchor, Proof } from '@xborder/sdk/audit';

import { api } from '../api';
import type * as CheckerModule from '../proof-check';
import { badge, fill, h, table } from '../dom';

const MAX_PROOF_BYTES = 64 * 1024 * 1024;

/** The checks and their Fabric block decoding are large: loaded with the first visit to this page. */
type Checker = typeof CheckerModule;
let checker: Promise<Checker> | undefined;
function loadChecker(): Promise<Checker> {
  checker ??= import('../proof-check');
  return checker;
}

async function networkAnchor(readAnchor: Checker['readAnchor']): Promise<{ anchor: Anchor; source: string } | null> {
  try {
    const a = await api<{ anchor: unknown; source: string }>('/api/anchor');
    return { anchor: readAnchor(JSON.stringify(a.anchor)), source: a.source };
  } catch {
    return null;
  }
}

export async function renderProofs(main: HTMLElement): Promise<void> {
  const { readAnchor, readProof, verifyProof } = await loadChecker();
  const fallback = await networkAnchor(readAnchor);
  let anchorFile: { anchor: Anchor; name: string } | null = null;
  const result = h('div', { id: 'proof-result', 'aria-live': 'polite' });
  const anchorNote = h('p', { id: 'anchor-note', class: 'muted' });
  const showAnchor = (): void => {
    fill(
      anchorNote,
      anchorFile
        ? `Checking against the anchor file ${anchorFile.name}.`
        : fallback
          ? `Checking against the network's trust anchor (${fallback.source}). Give the anchor the operators published to check independently.`
          : 'No trust anchor: proofs can only be checked as consistent in themselves (unanchored).',
    );
  };
  showAnchor();

  const check = async (file: File): Promise<void> => {
    fill(result, h('p', {}, `Checking ${file.name}…`));
    try {
      if (file.size > MAX_PROOF_BYTES) throw new Error('larger than 64 MiB: not a proof');
      const proof: Proof = readProof(await file.text());
      const started = performance.now();
      const { report, description } = await verifyProof(proof, anchorFile?.anchor ?? fallback?.anchor);
      const ms = Math.round(performance.now() - started);
      const tone = report.outcome === 'holds' ? 'ok' : report.outcome === 'failed' ? 'bad' : 'warn';
      const mark = {
        pass: ['pass', 'ok'],
        fail: ['FAIL', 'bad'],
        unanchored: ['unanchored', 'warn'],
        uncovered: ['pending', 'warn'],
      } as const;
      fill(
        result,
        h(
          'div',
          { class: `verdict ${tone}`, id: 'verdict', 'data-outcome': report.outcome, 'data-failed': report.failed ?? '', role: 'status' },
          report.outcome === 'failed' ? `✗ ${description}` : report.outcome === 'holds' ? `✓ ${description}` : `! ${description}`,
        ),
        h(
          'p',
          { class: 'muted' },
          `${file.name}: ${proof.target.type} ${proof.target.id}, block ${proof.blockNumber}; ${String(report.checks.length)} checks in ${String(ms)} ms in this browser.`,
        ),
        table(
          'Proof checks',
          ['Result', 'Check', 'Detail'],
          report.checks.map((c) => [badge(mark[c.status][0], mark[c.status][1]), h('code', {}, c.name), c.detail]),
        ),
      );
    } catch (err) {
      fill(
        result,
        h(
          'div',
          { class: 'verdict bad', id: 'verdict', 'data-outcome': 'unreadable', role: 'status' },
          `✗ ${err instanceof Error ? err.message : String(err)}`,
        ),
      );
    }
  };

  const proofInput = h('input', { type: 'file', id: 'proof-file', accept: '.json,application/json' });
  proofInput.addEventListener('change', () => {
    const f = proofInput.files?.[0];
    if (f) void check(f);
  });
  const anchorInput = h('input', { type: 'file', id: 'anchor-file', accept: '.json,application/json' });
  anchorInput.addEventListener('change', () => {
    const f = anchorInput.files?.[0];
    if (!f) return;
    void f.text().then((t) => {
      try {
        anchorFile = { anchor: readAnchor(t), name: f.name };
      } catch (err) {
        anchorFile = null;
        fill(result, h('p', { class: 'error', role: 'alert' }, `${f.name}: ${err instanceof Error ? err.message : String(err)}`));
      }
      showAnchor();
    });
  });
  const drop = h(
    'div',
    { class: 'drop', id: 'drop-zone' },
    h('p', {}, h('strong', {}, 'Drop a proof file here'), ' or choose one:'),
    h('label', {}, 'Proof file', proofInput),
  );
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => {
    drop.classList.remove('over');
  });
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) void check(f);
  });
  fill(
    main,
    h('h1', {}, 'Check a proof'),
    h(
      'p',
      {},
      'The proof is checked in this browser, offline, with the same named checks as ',
      h('code', {}, 'xborder audit check-proof'),
      '. Nothing is sent to the server.',
    ),
    drop,
    h(
      'form',
      {
        class: 'filters',
        'aria-label': 'Trust anchor',
        onsubmit: (e: Event) => {
          e.preventDefault();
        },
      },
      h('label', {}, 'Trust anchor file (optional)', anchorInput),
    ),
    anchorNote,
    result,
  );
}
