/**
 * Preloaded (`node --require`) into the chaincode servers of a network started with profiling: the
 * first SIGUSR2 starts a V8 CPU profile, the next one writes it to $XB_CPU_PROFILE_DIR as
 * `<name>-<n>.cpuprofile` (Chrome DevTools opens it; `node bench/dist/cpuprofile.js` summarises it).
 */
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import * as path from 'node:path';

const dir = process.env['XB_CPU_PROFILE_DIR'];
const name = process.env['XB_CPU_PROFILE_NAME'] ?? `node-${String(process.pid)}`;

if (dir !== undefined && dir !== '') {
  const session = new inspector.Session();
  session.connect();
  let running = false;
  let count = 0;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () => {
        session.post('Profiler.start');
      });
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, result) => {
      if (err) {
        process.stderr.write(`cpu profile: ${err.message}\n`);
        return;
      }
      fs.mkdirSync(dir, { recursive: true });
      count += 1;
      fs.writeFileSync(path.join(dir, `${name}-${String(count)}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
