// Builds Ladder's image from the Dockerfile with Buildah, on a base made
// locally (base.ts), so nothing is pulled from a container registry:
//   node --import tsx test/bed/image/build.ts
// test/run.mjs runs this before the image tests. An image whose inputs have
// not changed is not built again (inputs.ts); all but the newest few are
// removed. Builds from several checkouts on one machine take turns (a lock).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBaseImage } from './base.js';
import { imageCacheDir, imageExists, runTool, runToolOrFail } from './containers.js';
import { APP_REPOSITORY, appImageKey, repoRoot } from './inputs.js';

const started = Date.now();
const log = (line: string) => console.error(`[image] ${line}`);
const seconds = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

const packages = spawnSync('bash', [fileURLToPath(new URL('../install-packages.sh', import.meta.url)), 'buildah', 'podman', 'runc', 'mmdebstrap'], { stdio: 'inherit' });
if (packages.status !== 0) process.exit(1);
if (process.getuid?.() !== 0) {
  log('building and running the image needs root (Buildah with chroot isolation, Podman with runc, vfs storage); run the suite as root');
  process.exit(1);
}
await mkdir(imageCacheDir(), { recursive: true });
takeTurns();

try {
  const base = await ensureBaseImage(log);
  const key = appImageKey();
  const reference = `${APP_REPOSITORY}:${key}`;
  if (await imageExists(reference)) {
    log(`${reference}: built before from the same inputs (${seconds()})`);
  } else {
    log(`${reference}: building from the Dockerfile on ${base}`);
    await runToolOrFail(
      'buildah',
      ['bud', '--isolation', 'chroot', '--build-arg', `NODE_IMAGE=${base}`, ...(await trustLikeHostNpm()), ...goLikeHost(base), '-t', reference, '-f', join(repoRoot, 'Dockerfile'), repoRoot],
      { inherit: true },
    );
    await removeOlderImages(key);
    log(`${reference}: built (${seconds()})`);
  }
} catch (error) {
  log(`failed after ${seconds()}: ${(error as Error).message}`);
  process.exit(1);
}

/**
 * A machine behind a TLS-inspecting proxy trusts its CA through npm's
 * `cafile` or NODE_EXTRA_CA_CERTS; `npm ci` in the build must trust it too.
 * The CA bundle and a global npmrc naming it are mounted into the RUN steps
 * only, so the Dockerfile and the image stay as a registry build has them.
 * Nothing when the host trusts only Node's own roots.
 */
async function trustLikeHostNpm(): Promise<string[]> {
  const npmCafile = execFileSync('npm', ['config', 'get', 'cafile'], { encoding: 'utf8' }).trim();
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  let bundle: string;
  if (npmCafile && npmCafile !== 'null' && existsSync(npmCafile)) {
    bundle = await readFile(npmCafile, 'utf8'); // npm's cafile replaces the roots
  } else if (extra && existsSync(extra)) {
    bundle = `${rootCertificates.join('\n')}\n${await readFile(extra, 'utf8')}`; // NODE_EXTRA_CA_CERTS adds to them
  } else {
    return [];
  }
  const ca = join(imageCacheDir(), 'build-ca.crt');
  const npmrc = join(imageCacheDir(), 'build-npmrc');
  await writeFile(ca, bundle);
  await writeFile(npmrc, 'cafile=/etc/ssl/certs/ladder-build-ca.crt\n');
  log(`npm in the build trusts what npm on this machine trusts (${npmCafile !== 'null' && npmCafile ? `cafile ${npmCafile}` : `NODE_EXTRA_CA_CERTS ${extra}`})`);
  return ['-v', `${ca}:/etc/ssl/certs/ladder-build-ca.crt:ro`, '-v', `${npmrc}:/usr/local/etc/npmrc:ro`];
}

/**
 * The Dockerfile's Go stage (sops, helm, kustomize) runs on a Go image no registry can give CI:
 * the local base with this machine's Go toolchain mounted, and its module and
 * build caches, which test/bed/build-binaries.sh filled building the same
 * binaries, so nothing is downloaded (the module cache is the GOPROXY) and the compile is mostly
 * cached. The Dockerfile is unchanged; a registry build uses golang:1.26.
 */
function goLikeHost(base: string): string[] {
  // Puts each tool's modules into the module cache when this runs on its own (cached: no work).
  for (const binary of ['sops', 'helm', 'kustomize']) {
    const built = spawnSync('bash', [fileURLToPath(new URL('../build-binaries.sh', import.meta.url)), binary], { stdio: ['ignore', 2, 2] });
    if (built.status !== 0) throw new Error(`test/bed/build-binaries.sh ${binary} failed; the image's go-tools stage builds ${binary} from the modules it fetches`);
  }
  const env = (name: string) => execFileSync('go', ['env', name], { encoding: 'utf8' }).trim();
  return [
    '--build-arg', `GO_IMAGE=${base}`, '--build-arg', 'GOPROXY=file:///go/pkg/mod/cache/download', '--build-arg', 'GOSUMDB=off',
    '-v', `${env('GOROOT')}:/usr/local/go:ro`, '-v', `${env('GOMODCACHE')}:/go/pkg/mod`, '-v', `${env('GOCACHE')}:/root/.cache/go-build`,
  ];
}

/**
 * Runs the rest of this script again under flock(1) on the cache's lock, so
 * two checkouts on one machine (or two terminals) never build into the same
 * storage at once. Without flock the builds merely may clash.
 */
function takeTurns(): void {
  if (process.env.LADDER_IMAGE_BUILD_LOCKED === '1' || spawnSync('sh', ['-c', 'command -v flock'], { stdio: 'ignore' }).status !== 0) return;
  const lock = join(imageCacheDir(), 'build.lock');
  if (spawnSync('flock', ['-n', lock, 'true']).status !== 0) log(`another build holds ${lock}; waiting for it`);
  const locked = spawnSync('flock', [lock, process.execPath, ...process.execArgv, fileURLToPath(import.meta.url)], { stdio: 'inherit', env: { ...process.env, LADDER_IMAGE_BUILD_LOCKED: '1' } });
  process.exit(locked.status ?? 1);
}

/**
 * Working containers a failed build left, untagged layers, and images of
 * older inputs but the newest few: another checkout's tests may be using one
 * (an image a container runs is never removed).
 */
async function removeOlderImages(key: string): Promise<void> {
  await runTool('buildah', ['rm', '--all']);
  await runTool('podman', ['image', 'prune', '--force']);
  const listed = await runTool('podman', ['images', '--sort', 'created', '--format', '{{.Repository}}:{{.Tag}}', APP_REPOSITORY]);
  const older = listed.stdout.split('\n').filter((line) => line.startsWith(`${APP_REPOSITORY}:`) && !line.endsWith(`:${key}`));
  for (const image of older.slice(2)) await runTool('podman', ['rmi', image]);
}
