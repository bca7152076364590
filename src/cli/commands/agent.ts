import { resolve } from 'node:path';
import { AgentConfigError, agentEnvironmentVariables, loadAgentConfig } from '../../agent/wiring/config.js';
import type { RunningAgent } from '../../agent/main.js';
import { exitCode, UsageError, type CliIO, type Command } from '../command.js';

const variables = agentEnvironmentVariables.map((v) => `  ${v.name.padEnd(32)} ${v.path.join('.')}${v.secret ? '  (secret)' : ''}`).join('\n');

export const agentCommand: Command = {
  name: 'agent',
  summary: 'Run the in-cluster agent: apply the environment branch, prune, report, alert on drift',
  usage: ['agent --config <file>', 'agent            (everything from LADDER_* variables)'],
  description: `
Follows the environment branch of a manifest repository on GitHub, applies
each new commit to the cluster with server-side apply (field manager ladder),
prunes what left Git, waits for rollouts, reports the result as a GitHub
Deployment, and reports drift to Slack. Replicas elect a leader through a
Lease; only the leader writes. Serves /healthz, /readyz and /metrics.

The config file is YAML (see docs/agent.md). Environment variables override
it; values of secret variables are never printed:
${variables}

Kubernetes credentials come from the pod's service account, or KUBECONFIG /
~/.kube/config outside a cluster. SIGTERM or SIGINT shuts down gracefully:
the apply in progress ends, watches stop, the Lease is released.

Before it starts, the agent checks its credentials: missing, unreadable or
malformed ones, and ones Kubernetes or GitHub refuse (HTTP 401), end it at
once with one line. While either cannot be reached it waits and retries with
back-off; /readyz says why it is not ready.

Exit status: 0 after a clean shutdown, 2 when the configuration is wrong or
the credentials are missing, malformed or refused, 1 when the agent could not
start otherwise or failed while running.`,
  options: {
    config: { type: 'string', short: 'c', value: '<file>', description: 'Agent config file (YAML). Optional when LADDER_* variables say everything.' },
  },
  examples: ['ladder agent --config /etc/ladder/agent.yaml', 'LADDER_SELF_HEAL=true ladder agent -c agent.yaml'],
  inputErrorExit: exitCode.trouble,
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const file = typeof values.config === 'string' ? resolve(io.cwd, values.config) : undefined;
    let config;
    try {
      config = await loadAgentConfig(file, io.env);
    } catch (error) {
      if (error instanceof AgentConfigError) {
        io.stderr(`ladder agent: ${error.message}\n`);
        return exitCode.trouble;
      }
      throw error;
    }
    // Loaded here so other commands do not pay for the agent's clients at start-up.
    const { startAgent, AgentStartError } = await import('../../agent/main.js');
    return runUntilSignal((signal) => startAgent(config, { env: io.env, signal }), io, (error) => error instanceof AgentStartError);
  },
};

/**
 * Starts the agent and keeps it running until SIGTERM or SIGINT; a second
 * signal exits at once. A signal while the start still waits for Kubernetes or
 * GitHub ends the start, and the command, cleanly. A refusal (credentials
 * missing, malformed or refused) is one line and exit 2.
 */
async function runUntilSignal(start: (signal: AbortSignal) => Promise<RunningAgent>, io: CliIO, isRefusal: (error: unknown) => boolean): Promise<number> {
  const starting = new AbortController();
  let running: RunningAgent | undefined;
  let stopped: ((code: number) => void) | undefined;
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(signal === 'SIGTERM' ? 143 : 130);
    signalled = true;
    io.stderr(`ladder agent: ${signal} received, shutting down\n`);
    if (!running) return starting.abort(new Error(`${signal} received`));
    running.stop().then(
      () => stopped?.(exitCode.ok),
      (error: unknown) => {
        io.stderr(`ladder agent: shutdown failed: ${(error as Error).message}\n`);
        stopped?.(1);
      },
    );
  };
  process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
  const done = new Promise<number>((resolve) => (stopped = resolve));
  try {
    running = await start(starting.signal);
  } catch (error) {
    if (starting.signal.aborted) return exitCode.ok;
    if (isRefusal(error)) {
      io.stderr(`ladder agent: ${(error as Error).message}\n`);
      return exitCode.trouble;
    }
    io.stderr(`ladder agent: could not start: ${(error as Error).message}\n`);
    return 1;
  }
  if (starting.signal.aborted) {
    // The signal came as the start was finishing: nobody else will stop what it started.
    await running.stop();
    return exitCode.ok;
  }
  return done;
}
