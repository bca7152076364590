import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBinDir } from '../bed/kube/binaries.js';

/**
 * Real SOPS for the tests: the binary test/bed/build-binaries.sh builds from
 * github.com/getsops/sops/v3, and age keys generated here (X25519, encoded
 * as age's Bech32 strings, as age-keygen writes them).
 */
export function sopsBinary(): string {
  const path = join(getBinDir(), 'sops');
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`sops not found at ${path}; build it once with: bash test/bed/build-binaries.sh sops`);
  }
  return path;
}

export interface AgeKey {
  /** `AGE-SECRET-KEY-1…`, what the agent's key Secret holds. */
  identity: string;
  /** `age1…`, what files are encrypted to. */
  recipient: string;
}

export function generateAgeKey(): AgeKey {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const secret = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return { identity: bech32('age-secret-key-', secret).toUpperCase(), recipient: bech32('age', pub) };
}

/** Encrypts a YAML manifest to `recipient` as a team would (`.sops.yaml`: data and stringData encrypted, the rest in clear). */
export async function sopsEncrypt(plaintext: string, recipient: string): Promise<string> {
  return runSops(['encrypt', '--filename-override', 'secret.sops.yaml', '--age', recipient, '--encrypted-regex', '^(data|stringData)$', '--input-type', 'yaml', '--output-type', 'yaml'], plaintext, {});
}

export async function sopsDecrypt(encrypted: string, identity: string): Promise<string> {
  return runSops(['decrypt', '--input-type', 'yaml', '--output-type', 'yaml'], encrypted, { SOPS_AGE_KEY: identity });
}

/**
 * Edits an encrypted file as a person would, with the real sops on a file of its own:
 * `['set', '["stringData"]["password"]', '"new"']`, `['unset', '["stringData"]["user"]']` (which keep
 * the other values' ciphertext), or `['rotate']` (a new data key: every value gets new ciphertext).
 */
export async function sopsEdit(encrypted: string, identity: string, command: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-sops-edit-'));
  const file = join(dir, 'secret.sops.yaml');
  try {
    writeFileSync(file, encrypted);
    const [verb, ...rest] = command as [string, ...string[]];
    const args = verb === 'rotate' ? ['rotate', '--in-place', file] : [verb, file, ...rest];
    await runSops(args, '', { SOPS_AGE_KEY: identity });
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runSops(args: string[], input: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(sopsBinary(), args, { env: { ...env, SOPS_DISABLE_VERSION_CHECK: '1' }, cwd: tmpdir(), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`sops ${args[0]} exited ${code}: ${err}`))));
    child.stdin.end(input);
  });
}

const charset = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

/** BIP-173 Bech32 (the original checksum, which age uses), without the 90-character limit. */
function bech32(hrp: string, data: Buffer): string {
  const words = toWords(data);
  const values = [...expandHrp(hrp), ...words, 0, 0, 0, 0, 0, 0];
  const mod = polymod(values) ^ 1;
  const checksum = Array.from({ length: 6 }, (_, i) => (mod >> (5 * (5 - i))) & 31);
  return `${hrp}1${[...words, ...checksum].map((w) => charset[w]).join('')}`;
}

function toWords(data: Buffer): number[] {
  const words: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const byte of data) {
    acc = ((acc << 8) | byte) & 0xfff; // at most 12 bits are pending
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      words.push((acc >> bits) & 31);
    }
  }
  if (bits > 0) words.push((acc << (5 - bits)) & 31);
  return words;
}

function expandHrp(hrp: string): number[] {
  const codes = [...hrp].map((c) => c.charCodeAt(0));
  return [...codes.map((c) => c >> 5), 0, ...codes.map((c) => c & 31)];
}

function polymod(values: number[]): number {
  const generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const value of values) {
    const top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ value;
    for (let i = 0; i < 5; i++) if ((top >> i) & 1) chk ^= generator[i]!;
  }
  return chk;
}
