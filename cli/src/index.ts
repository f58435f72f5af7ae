/**
 * @xborder/cli as a library: what the command line resolves and runs, for scripts and tests that
 * drive a network the same way (the network home, seeding the registry, the demo story).
 */
export { defaultHome } from './home';
export { seedRegistry } from './seed';
export type { SeedInstitution } from './seed';
export { runDemo } from './demo';
export type { DemoResult } from './demo';
