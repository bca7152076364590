import { agentCommand } from './commands/agent.js';
import { appCommand } from './commands/app.js';
import { diffCommand } from './commands/diff.js';
import { renderCommand } from './commands/render.js';
import { validateCommand } from './commands/validate.js';
import { startCli } from './start.js';

await startCli([renderCommand, validateCommand, diffCommand, appCommand, agentCommand]);
