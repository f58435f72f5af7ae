/**
 * Ends a command-line run once what it wrote is flushed: a handle left open by a failed scenario (a
 * stream, a timer, a server) must not keep a finished run alive.
 */
export function exitAfterOutput(code: number): void {
  process.stdout.write('', () => {
    process.stderr.write('', () => process.exit(code));
  });
}
