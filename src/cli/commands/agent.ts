import { resolve } from 'node:path';
import { AgentConfigError, agentEnvironmentVariables, loadAgentConfig } from '../../agent/wiring/config.js';
import { exitCode, UsageError, type Command } from '../command.js';
import { runUntilSignal } from '../until-signal.js';

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
    return runUntilSignal('agent', (signal) => startAgent(config, { env: io.env, signal }), io, { isRefusal: (error) => error instanceof AgentStartError });
  },
};
