import { validateCommand } from './commands/validate.js';
import { startCli } from './start.js';
import { traceTiming } from './trace-timing.js';

traceTiming('validate-main: modules loaded');

// `ladder validate` alone (main.ts sends it here): built, this is one bundled file (npm run build,
// src/tools/bundle-cli.ts), because loading Ladder's modules one by one was a third of a small run.
await startCli([validateCommand]);
