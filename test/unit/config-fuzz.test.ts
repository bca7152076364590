import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LadderConfigError, checkConfig, parseConfig, valuesFor } from '../../src/core/config/load.js';
import { seededRandom } from '../support/random.js';
import { cpuTimed } from '../support/cpu-time.js';


const example = readFileSync(new URL('../../docs/example/.github/ladder.yml', import.meta.url), 'utf8');

/** Checks that `text` gets an answer, not a crash, and that every problem points inside the file. */
function assertAnswered(text: string, label: string): void {
  let result: ReturnType<typeof checkConfig>;
  try {
    result = checkConfig(text);
  } catch (error) {
    assert.fail(`${label}: checkConfig threw ${String(error)}`);
  }
  if (result.ok) return;
  const lines = text.split(/\r\n|\r|\n/).length;
  assert.ok(result.problems.length > 0, `${label}: a failed check has problems`);
  for (const problem of result.problems) {
    assert.ok(problem.message.length > 0, `${label}: empty message`);
    assert.ok(problem.line >= 1 && problem.line <= lines, `${label}: line ${problem.line} outside 1..${lines}`);
    assert.ok(problem.column >= 1, `${label}: column ${problem.column}`);
  }
  assert.throws(() => parseConfig(text, 'f.yml'), LadderConfigError, label);
}

test('random bytes get problems, never a crash', () => {
  const next = seededRandom(1);
  for (let i = 0; i < 400; i++) {
    const bytes = Uint8Array.from({ length: Math.floor(next() * 600) }, () => Math.floor(next() * 256));
    assertAnswered(new TextDecoder().decode(bytes), `seed 1 iteration ${i}`);
  }
});

test('mutations of a valid config get problems or load, never a crash', () => {
  const next = seededRandom(2);
  const alphabet = ['{', '}', '[', ']', ':', '-', ' ', '\n', '\t', '"', "'", '&a', '*a', '!', '#', '|', '>', '?', ',', '0', 'x', '~'];
  for (let i = 0; i < 300; i++) {
    let text = example;
    for (let edits = 1 + Math.floor(next() * 4); edits > 0; edits--) {
      const at = Math.floor(next() * text.length);
      const cut = Math.floor(next() * 4);
      text = text.slice(0, at) + alphabet[Math.floor(next() * alphabet.length)]! + text.slice(at + cut);
    }
    assertAnswered(text, `seed 2 iteration ${i}`);
  }
});

test('deep nesting is refused or handled, in any style, without exhausting the stack', () => {
  const flow = `values: { default: { x: ${'['.repeat(100_000)}${']'.repeat(100_000)} } }\n`;
  assert.deepEqual(checkConfig(flow), { ok: false, problems: [{ message: 'nested more than 200 levels deep', key: '', line: 1, column: 223 }] });
  const block = Array.from({ length: 1500 }, (_, depth) => `${'  '.repeat(depth)}k:`).join('\n');
  assertAnswered(block, 'block nesting');
  assertAnswered(`${'- '.repeat(5000)}x\n`, 'compact sequences');
});

test('values nested as deep as allowed still merge', () => {
  const nested = `${'{ a: '.repeat(150)}1${' }'.repeat(150)}`;
  const text = example.replace('default: { cpu: 250m, memory: 256Mi }', `default: { cpu: 250m, memory: 256Mi, deep: ${nested} }`);
  const config = parseConfig(text, 'f.yml');
  let value: unknown = valuesFor(config, 'prd')['deep'];
  for (let depth = 0; depth < 150; depth++) value = (value as Record<string, unknown>)['a'];
  assert.equal(value, 1);
});

test('huge and special numbers are told apart from what was meant', () => {
  const withTag = (length: string): string => `${example}imageTag: { format: short-sha, length: ${length} }\n`;
  for (const length of ['1e400', '-.inf', '.nan', '123456789012345678901234567890', '0x7fffffffffffffffffff']) {
    const result = checkConfig(withTag(length));
    assert.ok(!result.ok, length);
    assert.equal(result.problems[0]?.key, 'imageTag.length', length);
  }
  assert.ok(checkConfig(withTag('0x10')).ok, 'hex 16 is a valid length');
  const values = `${example}  dev: { big: 123456789012345678901234567890, inf: .inf }\n`;
  assert.deepEqual(valuesFor(parseConfig(values, 'f.yml'), 'dev'), { cpu: '250m', memory: '256Mi', big: 1.2345678901234568e29, inf: Infinity });
});

test('oversized input is refused before parsing', () => {
  const big = `${example}# ${'x'.repeat(1024 * 1024)}\n`;
  const result = checkConfig(big);
  assert.ok(!result.ok);
  assert.match(result.problems[0]!.message, /^file is \d+ bytes; a Ladder config may be at most 1048576 bytes$/);
});

test('long keys and many problems stay fast', () => {
  const longKey = `${example}${'k'.repeat(100_000)}: 1\n`;
  const manyKeys = example + Array.from({ length: 2000 }, (_, i) => `extra${i}: ${i}\n`).join('');
  const { value: [long, many], ms } = cpuTimed(() => [checkConfig(longKey), checkConfig(manyKeys)] as const);
  assert.ok(ms < 5000, `under five seconds of CPU: ${ms} ms`);
  assert.ok(!long.ok && long.problems.length === 1);
  assert.ok(!many.ok && many.problems.length === 2000);
});
