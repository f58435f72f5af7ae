// Bundles the console's page (console/web) into console/dist/web with esbuild: one script, one style
// sheet, one HTML file; Chart.js and the SDK's offline proof checks are bundled in, so the page needs
// no network but its own server. Node built-ins the checks import are replaced by browser shims.
import * as fs from 'node:fs';
import process from 'node:process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const web = path.join(root, 'console', 'web');
const out = path.join(root, 'console', 'dist', 'web');
const shims = path.join(web, 'shims');

/** Bare imports redirected for the browser: the TypeScript sources (ES modules, tree-shaken) and the shims. */
const redirects = {
  '@xborder/protocol': path.join(root, 'protocol', 'src', 'index.ts'),
  '@xborder/sdk/audit': path.join(root, 'sdk', 'src', 'audit', 'index.ts'),
  'node:crypto': path.join(shims, 'node-crypto.ts'),
  crypto: path.join(shims, 'node-crypto.ts'),
  'node:url': path.join(shims, 'node-url.ts'),
  url: path.join(shims, 'node-url.ts'),
  ajv: path.join(shims, 'ajv.ts'),
  '@grpc/grpc-js': path.join(shims, 'grpc.ts'),
  '@hyperledger/fabric-gateway': path.join(shims, 'fabric-gateway.ts'),
};

const browserPlugin = {
  name: 'xborder-browser',
  setup(build) {
    const filter = new RegExp(
      `^(${Object.keys(redirects)
        .map((k) => k.replace(/[/.@-]/g, '\\$&'))
        .join('|')})$`,
    );
    build.onResolve({ filter }, (args) => ({ path: redirects[args.path] }));
  },
};

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const result = await esbuild.build({
  entryPoints: [path.join(web, 'app.ts')],
  bundle: true,
  // the proof checker (Fabric protos, PKI.js) is a chunk of its own, loaded when the Proofs page opens
  format: 'esm',
  splitting: true,
  chunkNames: 'chunk-[hash]',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: false,
  legalComments: 'external',
  outdir: out,
  entryNames: '[name]',
  inject: [path.join(shims, 'buffer-global.ts')],
  define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
  plugins: [browserPlugin],
  metafile: true,
  logLevel: 'warning',
});
for (const f of ['index.html', 'app.css']) fs.copyFileSync(path.join(web, f), path.join(out, f));
const bytes = fs.statSync(path.join(out, 'app.js')).size;
fs.writeFileSync(path.join(out, 'meta.json'), JSON.stringify(result.metafile));
if (process.argv.includes('--verbose')) process.stdout.write(`console/dist/web/app.js: ${(bytes / 1024).toFixed(0)} KiB\n`);
