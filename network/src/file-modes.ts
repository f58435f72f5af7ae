import * as fs from 'node:fs';
import * as path from 'node:path';

/** Files that hold a private key or a secret, by name or by the folder they sit in. */
const SECRET_FILE = /(^priv_sk$|_sk$|\.key$|^secrets\.json$|^party-keys\.json$|\.log$|\.tar\.gz$|\.tgz$|\.db$)/;
const SECRET_DIR = new Set(['keystore', 'logs']);

/**
 * Restricts the network folder to its owner: the folder itself and every folder below it 0700, every
 * file that holds a key or secret (keystores, TLS keys, CA secrets and databases, the party-commitment keys, logs, chaincode
 * packages with the peer's TLS client key) 0600. Other local users can then neither list nor read
 * anything in it. Safe to run on a live network (modes only).
 */
export function restrictModes(home: string): void {
  const walk = (dir: string, secretDir: boolean): void => {
    fs.chmodSync(dir, 0o700);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) walk(full, secretDir || SECRET_DIR.has(entry.name));
      else if (entry.isFile() && (secretDir || SECRET_FILE.test(entry.name))) fs.chmodSync(full, 0o600);
    }
  };
  if (fs.existsSync(home)) walk(home, false);
}
