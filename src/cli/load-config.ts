import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { describeFsError, UnreadableInputError } from '../adapters/fs/read-manifests.js';
import { bundledKubernetesVersions } from '../adapters/fs/schema-bundle.js';
import { environmentNamed, parseConfig } from '../core/config/load.js';
import type { EnvironmentConfig, LadderConfig } from '../core/config/schema.js';
import { LadderInputError } from '../core/errors.js';
import { configTooLarge, maxConfigBytes } from '../core/limits.js';
import { decodeUtf8OrThrow } from '../core/text/utf8.js';
import { parseServices } from '../core/services/load.js';
import type { ServicesFile } from '../core/services/schema.js';
import { policyRuleIds } from '../core/validate/policy/index.js';

export interface LoadedConfig {
  file: string;
  config: LadderConfig;
  environment: EnvironmentConfig;
  /** The file's text, to locate keys in it. */
  text: string;
}

/**
 * Reads `.github/ladder.yml` (or any config file) and picks the environment
 * named on the command line. Policy exceptions and the Kubernetes version are
 * checked against what this build of Ladder knows, so a typo fails here.
 */
export async function loadConfigForEnvironment(file: string, environmentName: string): Promise<LoadedConfig> {
  const loaded = await loadConfigFile(file);
  return { ...loaded, environment: environmentNamed(loaded.config, environmentName, file) };
}

/** The config alone, for commands that work on every environment. */
export async function loadConfigFile(file: string): Promise<Omit<LoadedConfig, 'environment'>> {
  const text = await readConfigText(file);
  const config = parseConfig(text, file, { knownRuleIds: policyRuleIds, knownKubernetesVersions: bundledKubernetesVersions() });
  return { file, config, text };
}

/** The manifest repository's `.ladder/services.yml`, read under the config's budgets; located errors when it is wrong. */
export async function loadServicesFile(file: string): Promise<ServicesFile> {
  return parseServices(await readConfigText(file), file, { knownRuleIds: policyRuleIds });
}

/**
 * Paths in the config (`manifests.templates`) are relative to the root of the
 * code repository. The config normally sits in `<root>/.github/`; a config
 * anywhere else is taken to sit at the root.
 */
export function repositoryRootOf(configFile: string): string {
  const dir = dirname(resolve(configFile));
  return basename(dir) === '.github' ? dirname(dir) : dir;
}

/**
 * The config's bytes. A FIFO, a device or a socket is refused before it is
 * opened (opening a FIFO waits for a writer: `--config` naming one hung), and
 * the open itself does not block either, should the path change in between.
 */
async function readConfigText(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    if (!(await stat(file)).isFile()) throw new UnreadableInputError('not a regular file', { file });
    const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new UnreadableInputError('not a regular file', { file });
      if (info.size > maxConfigBytes) throw configTooLarge(info.size, file);
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof LadderInputError) throw error;
    throw new UnreadableInputError(describeFsError(error), { file }, { cause: error });
  }
  return decodeUtf8OrThrow(bytes, file);
}
