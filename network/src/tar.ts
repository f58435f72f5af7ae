import { gzipSync } from 'node:zlib';

/**
 * A byte-for-byte reproducible .tar.gz of small in-memory files (ustar, mtime 0, uid/gid 0, mode 0644).
 * The chaincode package ID is the SHA-256 of the package bytes, so reproducibility keeps the package ID
 * of an unchanged chaincode stable and a redeploy a no-op.
 */
export function tarGz(files: readonly { name: string; data: Buffer }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const file of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    blocks.push(header(file.name, file.data.length), file.data);
    const pad = (512 - (file.data.length % 512)) % 512;
    if (pad > 0) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks), { level: 9 });
}

function header(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o644, 7), 100);
  h.write(octal(0, 7), 108);
  h.write(octal(0, 7), 116);
  h.write(octal(size, 11), 124);
  h.write(octal(0, 11), 136);
  h.fill(' ', 148, 156); // checksum is computed with its own field as spaces
  h.write('0', 156); // regular file
  h.write('ustar\u000000', 257, 'binary');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'binary');
  return h;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width, '0')}\u0000`;
}
