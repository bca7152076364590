import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { chartArchiveLimits, unpackChart } from '../../src/adapters/registry/chart-archive.js';
import { LadderInputError } from '../../src/core/errors.js';
import { tarGz } from '../support/charts.js';

const where = { file: 'shop/checkout-manifests: .ladder/services.yml', key: 'services.checkout.render.helm.chart.digest' };
const unpack = (archive: Buffer) => unpackChart(archive, where, 'oci://registry.example.com/charts/checkout:1.0.0');

function refusal(archive: Buffer): LadderInputError {
  try {
    unpack(archive);
  } catch (error) {
    assert.ok(error instanceof LadderInputError, String(error));
    assert.deepEqual(error.location, where);
    return error;
  }
  assert.fail('the archive was accepted');
}

describe('unpackChart: a fetched chart archive, in memory, within budgets', () => {
  it('gives the files under the chart directory, relative to it', () => {
    const files = unpack(tarGz([{ name: 'checkout/', type: '5' }, { name: 'checkout/Chart.yaml', content: 'name: checkout\n' }, { name: 'checkout/templates/a.yaml', content: 'kind: A\n' }]));
    assert.deepEqual(files.map((file) => [file.path, Buffer.from(file.content).toString()]), [['Chart.yaml', 'name: checkout\n'], ['templates/a.yaml', 'kind: A\n']]);
  });

  it('takes a long name from a PAX header, as Go writes it', () => {
    const long = `checkout/templates/${'x'.repeat(120)}.yaml`;
    const pax = `path=${long}\n`;
    const record = `${pax.length + String(pax.length + 3).length + 1} ${pax}`;
    const files = unpack(tarGz([{ name: 'PaxHeaders/x', type: 'x', content: record }, { name: 'ignored', content: 'a' }, { name: 'checkout/Chart.yaml', content: 'b' }]));
    assert.deepEqual(files.map((file) => file.path), [long.slice('checkout/'.length), 'Chart.yaml']);
  });

  it('refuses links, paths that climb out, two charts in one archive and a file twice', () => {
    assert.match(refusal(tarGz([{ name: 'checkout/Chart.yaml' }, { name: 'checkout/values.yaml', type: '2', linkTarget: '/etc/passwd' }])).message, /checkout\/values\.yaml, which is a link/);
    assert.match(refusal(tarGz([{ name: 'checkout/Chart.yaml' }, { name: 'checkout/link', type: '1', linkTarget: 'checkout/Chart.yaml' }])).message, /which is a link/);
    assert.match(refusal(tarGz([{ name: 'checkout/../../etc/cron.d/x', content: 'x' }])).message, /a path outside its chart directory/);
    assert.match(refusal(tarGz([{ name: '/etc/passwd', content: 'x' }])).message, /a path outside its chart directory/);
    assert.match(refusal(tarGz([{ name: 'Chart.yaml', content: 'x' }])).message, /a path outside its chart directory/);
    assert.match(refusal(tarGz([{ name: 'a/Chart.yaml' }, { name: 'b/Chart.yaml' }])).message, /two top directories, a and b/);
    assert.match(refusal(tarGz([{ name: 'a/Chart.yaml' }, { name: 'a/Chart.yaml' }])).message, /holds a\/Chart\.yaml twice/);
    assert.match(refusal(tarGz([{ name: 'a/dev', type: '3' }])).message, /not a regular file/);
  });

  it('refuses what is not a gzipped tar, or is damaged or truncated', () => {
    assert.match(refusal(Buffer.from('not gzip')).message, /is not gzip/);
    const damaged = Buffer.alloc(1024);
    damaged.write('checkout/Chart.yaml');
    assert.match(refusal(gzipSync(damaged)).message, /damaged header/);
    const whole = tarGz([{ name: 'checkout/Chart.yaml', content: 'x'.repeat(2000) }]);
    const tar = gunzipSync(whole).subarray(0, 1024);
    assert.match(refusal(gzipSync(tar)).message, /is truncated/);
  });

  it('holds the archive to its budgets: fetched size, unpacked size (a gzip bomb), files and bytes per file', () => {
    const big = Buffer.alloc(chartArchiveLimits.maxArchiveBytes + 1);
    assert.match(refusal(big).message, /the chart archive is 4097 KiB; Ladder fetches at most 4096 KiB/);
    // 40 MiB of zeros gzip to about 40 KiB: refused while unpacking, not after.
    const bomb = tarGz([{ name: 'checkout/values.yaml', content: Buffer.alloc(40 * 1024 * 1024) }]);
    assert.ok(bomb.length < 100 * 1024);
    assert.match(refusal(bomb).message, /unpacks to more than 17 MiB/);
    const many = tarGz(Array.from({ length: 2_001 }, (_, i) => ({ name: `checkout/templates/f${i}.yaml`, content: 'a: 1\n' })));
    assert.match(refusal(many).message, /more than 2000 files/);
    const large = tarGz([{ name: 'checkout/values.yaml', content: Buffer.alloc(1024 * 1024 + 1, 'a') }]);
    assert.match(refusal(large).message, /is 1025 KiB; Ladder reads at most 1024 KiB per file/);
  });
});
