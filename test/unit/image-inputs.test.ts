import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dockerfileSources, hashFiles, repoRoot } from '../bed/image/inputs.js';

// The image is rebuilt exactly when what it is built from changes: the files
// the Dockerfile copies are what the cache key hashes.

const digest = (root: string, paths: string[]) => {
  const hash = createHash('sha256');
  hashFiles(hash, root, paths);
  return hash.digest('hex');
};

describe("the image's inputs", () => {
  it("are the Dockerfile's COPY sources from the build context, and .dockerignore lets each of them through", async () => {
    const sources = dockerfileSources(await readFile(join(repoRoot, 'Dockerfile'), 'utf8'));
    assert.deepEqual([...new Set(sources)].sort(), ['package-lock.json', 'package.json', 'src', 'src/schemas', 'templates', 'tsconfig.build.json', 'tsconfig.json']);
    const allowed = (await readFile(join(repoRoot, '.dockerignore'), 'utf8')).split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    for (const source of sources) assert.ok(allowed.some((a) => source === a || source.startsWith(`${a}/`)), `.dockerignore keeps ${source} out of the build context`);
  });

  it('reads COPY lines with flags and several sources, and skips copies from other stages', () => {
    const dockerfile = 'FROM x AS a\nCOPY --chown=1:1 a.json b.json ./\ncopy dir/ /dest\nCOPY --from=a /x /y\nRUN echo COPY no\n';
    assert.deepEqual(dockerfileSources(dockerfile), ['a.json', 'b.json', 'dir']);
  });

  it('change when a file changes, appears or is renamed, and not otherwise', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ladder-image-inputs-'));
    await mkdir(join(root, 'src/deep'), { recursive: true });
    await writeFile(join(root, 'src/a.ts'), 'a');
    await writeFile(join(root, 'src/deep/b.ts'), 'b');
    await writeFile(join(root, 'package.json'), '{}');
    const first = digest(root, ['package.json', 'src']);
    assert.equal(digest(root, ['package.json', 'src']), first);
    await writeFile(join(root, 'src/deep/b.ts'), 'b2');
    const edited = digest(root, ['package.json', 'src']);
    assert.notEqual(edited, first);
    await rename(join(root, 'src/deep/b.ts'), join(root, 'src/deep/c.ts'));
    const renamed = digest(root, ['package.json', 'src']);
    assert.notEqual(renamed, edited);
    await writeFile(join(root, 'outside.txt'), 'not copied');
    assert.equal(digest(root, ['package.json', 'src']), renamed, 'a file the Dockerfile does not copy');
  });
});
