import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { renderersFixtures, toolEnv } from './renderers/fixtures.js';

/** Helm's `helm create` chart from the test fixtures (test/fixtures/renderers/helm/checkout: name checkout, version 0.1.0). */
export const checkoutChart = { dir: join(renderersFixtures, 'helm', 'checkout'), name: 'checkout', version: '0.1.0' };

/** `helm package <dir>` by the pinned helm binary, as a chart's publisher makes the archive; its bytes. */
export async function packageChart(dir: string): Promise<Buffer> {
  const out = await mkdtemp(join(tmpdir(), 'ladder-chart-'));
  try {
    const env = { HOME: out, PATH: '/usr/bin:/bin', HELM_CACHE_HOME: join(out, 'cache'), HELM_CONFIG_HOME: join(out, 'config'), HELM_DATA_HOME: join(out, 'data') };
    const { stdout } = await promisify(execFile)(toolEnv()['LADDER_HELM']!, ['package', dir, '--destination', out], { env });
    const path = /saved it to: (.+\.tgz)/.exec(stdout)?.[1];
    if (!path) throw new Error(`helm package said: ${stdout}`);
    return await readFile(path.trim());
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

export interface TarEntry {
  name: string;
  /** '0' file (default), '2' symbolic link, '1' hard link, '5' directory. */
  type?: string;
  content?: Buffer | string;
  linkTarget?: string;
}

/** A gzipped ustar archive of exactly these entries: for archives `helm package` would never write. */
export function tarGz(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const content = Buffer.from(entry.content ?? '');
    const header = Buffer.alloc(512);
    header.write(entry.name, 0, 100, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write(entry.type ?? '0', 156);
    if (entry.linkTarget) header.write(entry.linkTarget, 157, 100, 'utf8');
    header.write('ustar\0', 257);
    header.write('00', 263);
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
