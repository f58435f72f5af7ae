/** Node's `Buffer` global for the bundled SDK code (esbuild injects this module). */
import { Buffer } from 'buffer';
export { Buffer };
