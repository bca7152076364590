/** Runs each validator over the corpus and reduces its output to a verdict per file. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { normalize, relative, isAbsolute, join } from 'node:path';
import { readManifests } from '../../src/adapters/fs/read-manifests.js';
import { loadSchemaBundle } from '../../src/adapters/fs/schema-bundle.js';
import { createSchemaValidator } from '../../src/core/validate/schema/index.js';
import { kubeconformTemplate } from './kubeconform-schemas.js';

export interface Measurement {
  seconds: number;
  /**
   * CPU time of the process, user + system, all threads (GNU time's %U + %S); undefined without
   * /usr/bin/time. On a shared machine wall time follows the neighbours; CPU time much less so.
   */
  cpuSeconds?: number;
  /** Files (one resource each) judged invalid, relative to the corpus, with the reason. */
  invalid: Map<string, string>;
}

interface Output { code: number | null; stdout: string; stderr: string; seconds: number; cpuSeconds?: number }

const gnuTime = '/usr/bin/time';
let timed = 0;

function runProcess(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Output> {
  // GNU time writes the child's CPU time to a file of its own, so the child's output stays as it is.
  const cpuFile = existsSync(gnuTime) ? join(tmpdir(), `ladder-bench-cpu-${process.pid}-${++timed}`) : undefined;
  const [program, programArgs] = cpuFile ? [gnuTime, ['-f', '%U %S', '-o', cpuFile, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(program, programArgs, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const cpuSeconds = cpuFile ? readCpu(cpuFile) : undefined;
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        seconds,
        ...(cpuSeconds === undefined ? {} : { cpuSeconds }),
      });
    });
  });
}

/** GNU time's last line, `user system` (earlier lines say how the command exited). */
function readCpu(file: string): number | undefined {
  try {
    const last = readFileSync(file, 'utf8').trim().split('\n').at(-1) ?? '';
    const [user, system] = last.split(' ').map(Number);
    return user !== undefined && system !== undefined && Number.isFinite(user + system) ? user + system : undefined;
  } catch {
    return undefined;
  } finally {
    rmSync(file, { force: true });
  }
}

function corpusPath(corpus: string, file: string): string {
  return normalize(isAbsolute(file) ? relative(corpus, file) : file);
}

/** `kubeconform -strict -summary -output json`; exit 1 means "some resources are invalid", anything else is trouble. */
export async function runKubeconform(binary: string, schemaDir: string, corpus: string): Promise<Measurement> {
  const args = ['-strict', '-summary', '-output', 'json', '-schema-location', join(schemaDir, kubeconformTemplate), corpus];
  const result = await runProcess(binary, args, corpus);
  if (result.code !== 0 && result.code !== 1) throw new Error(`kubeconform exited ${result.code}: ${result.stderr || result.stdout.slice(0, 2000)}`);
  const report = JSON.parse(result.stdout) as { resources: { filename: string; status: string; msg: string }[] };
  const invalid = new Map<string, string>();
  for (const resource of report.resources) {
    if (resource.status === 'statusInvalid' || resource.status === 'statusError') invalid.set(corpusPath(corpus, resource.filename), resource.msg);
  }
  return { seconds: result.seconds, ...cpuOf(result), invalid };
}

const cpuOf = (output: Output) => (output.cpuSeconds === undefined ? {} : { cpuSeconds: output.cpuSeconds });

/** Verdict rules: schema, API-server and parse errors; policy findings are Ladder's extra and not compared. */
const verdictRules = new Set(['schema', 'apiserver', 'yaml-syntax', 'input']);

/** `ladder validate --format json <dir>` through the built CLI (dist/cli/main.js). */
export async function runLadderCli(
  cli: string, corpus: string, kubernetesVersion: string, nodeArgs: string[] = [], node = process.execPath,
  /** Extra environment: LADDER_CACHE=off measures a first run (nothing compiled yet), LADDER_THREADS fixes the threads. */
  env: NodeJS.ProcessEnv = {},
): Promise<Measurement> {
  const result = await runProcess(node, [...nodeArgs, cli, 'validate', '--format', 'json', '--kubernetes-version', kubernetesVersion, corpus], corpus, { ...process.env, ...env });
  if (result.code !== 0 && result.code !== 1) throw new Error(`ladder validate exited ${result.code}: ${result.stderr || result.stdout.slice(0, 2000)}`);
  const report = JSON.parse(result.stdout) as { findings: { file: string; rule: string; severity: string; message: string }[] };
  return { seconds: result.seconds, ...cpuOf(result), invalid: verdicts(corpus, report.findings) };
}

/** `ladder --version`: Node's start-up and the CLI's entry point, no validation. */
export async function runLadderVersion(cli: string): Promise<Measurement> {
  const result = await runProcess(process.execPath, [cli, '--version'], process.cwd());
  if (result.code !== 0) throw new Error(`ladder --version exited ${result.code}: ${result.stderr}`);
  return { seconds: result.seconds, ...cpuOf(result), invalid: new Map() };
}

/**
 * The same work in this process through the library: read the files, parse
 * them, validate against the schemas (no policy). Process start-up and module
 * loading are not counted; compiling the validators is.
 */
export async function runLadderLibrary(corpus: string, kubernetesVersion: string): Promise<Measurement> {
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const read = await readManifests([corpus]);
  const validator = createSchemaValidator(await loadSchemaBundle(kubernetesVersion));
  const findings = [...read.findings, ...validator.validate(read.documents)];
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, invalid: verdicts(corpus, findings) };
}

function verdicts(corpus: string, findings: readonly { file: string; rule: string; severity: string; message: string }[]): Map<string, string> {
  const invalid = new Map<string, string>();
  for (const finding of findings) {
    if (finding.severity !== 'error' || !verdictRules.has(finding.rule)) continue;
    const file = corpusPath(corpus, finding.file);
    invalid.set(file, invalid.has(file) ? `${invalid.get(file)}; ${finding.message}` : finding.message);
  }
  return invalid;
}
