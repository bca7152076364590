import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import { delimiter, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { GitHubCredentials } from '../../adapters/github/client.js';
import type { AgentConfig } from './config.js';
import { inClusterKubeConfig, serviceAccountDir } from './in-cluster.js';

/**
 * A start-up problem that waiting will not fix: credentials missing, unreadable
 * or malformed, or refused by the server they are for. `ladder agent` prints the
 * message as its one line and exits 2, instead of retrying a start that cannot
 * succeed. The message names the file, key or variable, never a secret's value.
 */
export class AgentStartError extends Error {
  override readonly name = 'AgentStartError';
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The Kubernetes credentials the agent will use, checked before anything runs:
 * in a pod, the service account's token and CA (both must be readable);
 * outside one, KUBECONFIG or ~/.kube/config, which must exist, parse and name a
 * current cluster. client-node's own fallback, a plain-HTTP `localhost:8080`
 * that no cluster serves, is never used.
 */
export async function kubeCredentials(env: Env, home: string | undefined): Promise<KubeConfig> {
  if (env.KUBERNETES_SERVICE_HOST) {
    const dir = env.LADDER_SERVICE_ACCOUNT_DIR ?? serviceAccountDir;
    for (const file of ['token', 'ca.crt']) {
      const path = join(dir, file);
      const problem = unreadable(path);
      if (problem) throw new AgentStartError(`no Kubernetes credentials: in a pod (KUBERNETES_SERVICE_HOST is set) but the service account's ${path} cannot be read (${problem}); is automountServiceAccountToken off?`);
    }
    return inClusterKubeConfig(env, dir)!;
  }
  const files = (env.KUBECONFIG ?? '').split(delimiter).filter((file) => file !== '');
  const source = files.length > 0 ? 'KUBECONFIG' : '~/.kube/config';
  if (files.length === 0) {
    const fallback = home ? join(home, '.kube', 'config') : undefined;
    if (!fallback || !existsSync(fallback)) {
      throw new AgentStartError('no Kubernetes credentials: not in a pod (KUBERNETES_SERVICE_HOST is not set), KUBECONFIG is not set and ~/.kube/config does not exist');
    }
    files.push(fallback);
  }
  for (const file of files) {
    const problem = unreadable(file);
    if (problem) throw new AgentStartError(`no Kubernetes credentials: ${source} names ${file}, which cannot be read (${problem})`);
  }
  // Loaded only outside a pod: client-node's API models cost about 75 MB of memory.
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(files[0]!);
    for (const file of files.slice(1)) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      kubeConfig.mergeConfig(more);
    }
  } catch (error) {
    throw new AgentStartError(`${files.join(delimiter)} (${source}): not a kubeconfig the agent can read: ${firstLine(error)}`);
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster?.server) throw new AgentStartError(`${files.join(delimiter)} (${source}): no current context with a cluster and its server address (current-context: '${kubeConfig.getCurrentContext() ?? ''}')`);
  try {
    // Reads the certificate, key and token files it names and runs an exec plugin, once, now.
    await kubeConfig.applyToHTTPSOptions({ headers: {} } as https.RequestOptions);
  } catch (error) {
    throw new AgentStartError(`${files.join(delimiter)} (${source}): the credentials of context '${kubeConfig.getCurrentContext()}' cannot be used: ${firstLine(error)}`);
  }
  return kubeConfig;
}

/**
 * The GitHub credentials, read and checked: the App's private key must be a
 * private key (GitHub's are RSA PEM files), a token must be one word. Without
 * this check a wrong file shows up only as `Invalid keyData` at every poll.
 */
export async function gitHubCredentials(github: AgentConfig['github']): Promise<GitHubCredentials> {
  if (github.appId !== undefined && github.installationId !== undefined && github.privateKeyPath !== undefined) {
    const privateKey = await readSecret(github.privateKeyPath, 'github.privateKeyPath', "the GitHub App's private key");
    let keyType: string | undefined;
    try {
      keyType = createPrivateKey(privateKey).asymmetricKeyType;
    } catch {
      throw new AgentStartError(`github.privateKeyPath ${github.privateKeyPath}: not a PEM private key; use the .pem file GitHub generates under the App's settings, Private keys`);
    }
    if (keyType !== 'rsa') throw new AgentStartError(`github.privateKeyPath ${github.privateKeyPath}: a ${keyType ?? 'non-RSA'} key; GitHub App keys are RSA`);
    return { appId: github.appId, installationId: github.installationId, privateKey };
  }
  const token = (github.token ?? (await readSecret(github.tokenPath!, 'github.tokenPath', 'the GitHub token'))).trim();
  const where = github.token !== undefined ? 'github.token' : `github.tokenPath ${github.tokenPath}`;
  if (token === '') throw new AgentStartError(`${where}: the GitHub token is empty`);
  if (/\s/.test(token)) throw new AgentStartError(`${where}: not a GitHub token (it contains white space; the value is not shown)`);
  return { token };
}

/** Reads a mounted secret; the error names the key and the file, never the content. */
async function readSecret(path: string, key: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new AgentStartError(`${key} ${path}: cannot read ${what} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function unreadable(path: string): string | undefined {
  try {
    readFileSync(path);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'error';
  }
}

function firstLine(error: unknown): string {
  return ((error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '').trim();
}
