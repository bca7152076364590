import { createHash, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { GitCommitObject } from './objects.js';

/**
 * Commit signatures. GitHub signs the commits it makes itself (merges through
 * the API, update-branch, contents API commits, an App's Git Data commits
 * without a custom author or committer) with its "web-flow" key and reports
 * them `verified: true, reason: valid`; pushed commits without a signature
 * are `unsigned`. The bed signs the same commits with its own web-flow key as
 * real `gpgsig` headers in SSH signature format (git's `gpg.format=ssh`), so
 * `git verify-commit` checks them too. (GitHub's own web-flow key is GPG; a
 * client reads `verification`, not the signature's format.)
 */

const MAGIC = Buffer.from('SSHSIG');
const NAMESPACE = 'git';
const HASH = 'sha512';

function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function readSshString(buffer: Buffer, offset: number): [Buffer, number] {
  const length = buffer.readUInt32BE(offset);
  return [buffer.subarray(offset + 4, offset + 4 + length), offset + 4 + length];
}

function signedData(payload: string): Buffer {
  const digest = createHash(HASH).update(payload).digest();
  return Buffer.concat([MAGIC, sshString(NAMESPACE), sshString(''), sshString(HASH), sshString(digest)]);
}

export type VerificationReason = 'valid' | 'unsigned' | 'unknown_key' | 'invalid' | 'malformed_signature';

export interface Verification {
  verified: boolean;
  reason: VerificationReason;
  signature: string | null;
  payload: string | null;
  verified_at: string | null;
}

const UNSIGNED: Verification = { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null };

export class WebFlowKey {
  private readonly privateKey: KeyObject;
  /** The SSH wire form of the public key (`ssh-ed25519` + 32 bytes). */
  private readonly publicBlob: Buffer;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    this.privateKey = privateKey;
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    this.publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(raw)]);
  }

  /** `ssh-ed25519 AAAA…`, for an allowed-signers file (`git verify-commit`). */
  get publicKey(): string {
    return `ssh-ed25519 ${this.publicBlob.toString('base64')}`;
  }

  /** An armored SSH signature of `payload` (the commit object without its gpgsig header). */
  sign(payload: string): string {
    const signature = sign(null, signedData(payload), this.privateKey);
    const blob = Buffer.concat([
      MAGIC,
      Buffer.from([0, 0, 0, 1]),
      sshString(this.publicBlob),
      sshString(NAMESPACE),
      sshString(''),
      sshString(HASH),
      sshString(Buffer.concat([sshString('ssh-ed25519'), sshString(signature)])),
    ]);
    const lines = blob.toString('base64').match(/.{1,70}/g) ?? [];
    return ['-----BEGIN SSH SIGNATURE-----', ...lines, '-----END SSH SIGNATURE-----'].join('\n');
  }

  /** GitHub's `verification` object for a commit read from git. */
  verification(commit: GitCommitObject): Verification {
    if (commit.signature === undefined || commit.payload === undefined) return { ...UNSIGNED };
    const signed = { signature: commit.signature, payload: commit.payload };
    const reason = this.check(commit.signature, commit.payload);
    return { verified: reason === 'valid', reason, ...signed, verified_at: reason === 'valid' ? commit.committer.date : null };
  }

  private check(armored: string, payload: string): VerificationReason {
    const body = /^-----BEGIN SSH SIGNATURE-----\n([\s\S]*?)\n-----END SSH SIGNATURE-----\s*$/.exec(armored.trim() + '\n');
    if (!body?.[1]) return 'malformed_signature';
    try {
      const blob = Buffer.from(body[1].replace(/\s+/g, ''), 'base64');
      if (!blob.subarray(0, 6).equals(MAGIC)) return 'malformed_signature';
      let offset = 10;
      let publicBlob: Buffer;
      let namespace: Buffer;
      let hash: Buffer;
      let signatureBlob: Buffer;
      [publicBlob, offset] = readSshString(blob, offset);
      [namespace, offset] = readSshString(blob, offset);
      [, offset] = readSshString(blob, offset);
      [hash, offset] = readSshString(blob, offset);
      [signatureBlob] = readSshString(blob, offset);
      if (namespace.toString() !== NAMESPACE || hash.toString() !== HASH) return 'malformed_signature';
      if (!publicBlob.equals(this.publicBlob)) return 'unknown_key';
      const [, afterType] = readSshString(signatureBlob, 0);
      const [raw] = readSshString(signatureBlob, afterType);
      const [, keyOffset] = readSshString(publicBlob, 0);
      const [key] = readSshString(publicBlob, keyOffset);
      const publicKey = { key: { kty: 'OKP', crv: 'Ed25519', x: key.toString('base64url') }, format: 'jwk' as const };
      return verify(null, signedData(payload), publicKey, raw) ? 'valid' : 'invalid';
    } catch {
      return 'malformed_signature';
    }
  }
}

/** The raw text of a commit object, with its signature as a `gpgsig` header when given. */
export function commitText(commit: { tree: string; parents: string[]; author: string; committer: string; message: string }, signature?: string): string {
  const header = [`tree ${commit.tree}`, ...commit.parents.map((p) => `parent ${p}`), `author ${commit.author}`, `committer ${commit.committer}`];
  if (signature) header.push(`gpgsig ${signature.split('\n').join('\n ')}`);
  return `${header.join('\n')}\n\n${commit.message}`;
}
