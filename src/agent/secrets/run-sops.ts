import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';

export interface RunSopsOptions {
  /** The `sops` executable (built from github.com/getsops/sops/v3/cmd/sops). */
  binary: string;
  /** Age identities, `AGE-SECRET-KEY-1…`, one per line. */
  ageKey: string;
  /** `yaml` or `json`: SOPS reads stdin without a file name to guess from. */
  format: 'yaml' | 'json';
  timeoutMs: number;
  /** Largest decrypted output kept; more is a failure, not a truncated Secret. */
  maxOutputBytes: number;
  signal?: AbortSignal;
}

export type SopsResult = { ok: true; plaintext: string } | { ok: false; reason: string };

/**
 * Decrypts one file with `sops decrypt`, the file on stdin and the plaintext
 * on stdout, so plaintext never touches the disk. The child gets only the
 * age identity: no HOME, no cloud credentials, no proxy, so a file cannot
 * make it reach a key service (the caller also refuses files that name one).
 */
export function runSops(encrypted: string, options: RunSopsOptions): Promise<SopsResult> {
  return new Promise((resolve) => {
    // No file argument: sops reads stdin (a pipe; /dev/stdin of a socket pair cannot be opened).
    const args = ['decrypt', '--input-type', options.format, '--output-type', options.format];
    const child = spawn(options.binary, args, {
      env: { SOPS_AGE_KEY: options.ageKey, SOPS_DISABLE_VERSION_CHECK: '1' },
      // No .sops.yaml of the agent's working directory is looked at.
      cwd: tmpdir(),
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let tooLarge = false;
    let settled = false;
    const finish = (result: SopsResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > options.maxOutputBytes) {
        tooLarge = true;
        child.kill('SIGKILL');
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 4096) err += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') finish({ ok: false, reason: `the agent has no sops binary at ${options.binary} (docs/secrets.md)` });
      else if (error.name === 'AbortError') finish({ ok: false, reason: 'stopped' });
      else finish({ ok: false, reason: `sops could not run: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      if (tooLarge) return finish({ ok: false, reason: `its plaintext is larger than ${options.maxOutputBytes} bytes` });
      if (code === 0) return finish({ ok: true, plaintext: Buffer.concat(out).toString('utf8') });
      if (signal === 'SIGKILL' || signal === 'SIGTERM') return finish({ ok: false, reason: `sops did not finish within ${options.timeoutMs} ms` });
      finish({ ok: false, reason: explainSopsError(err) });
    });
    // A child that exits before reading all of stdin closes the pipe: that is its error to report, not ours.
    child.stdin.on('error', () => {});
    child.stdin.end(encrypted);
  });
}

/**
 * SOPS's own words, shortened to what helps: which of the known failures it
 * is, else its first line. SOPS reports on the encrypted file and the key
 * services, never a decrypted value; identities are scrubbed all the same.
 */
export function explainSopsError(stderr: string): string {
  const text = stderr.replace(/AGE-SECRET-KEY-1[0-9A-Z]+/g, 'AGE-SECRET-KEY-…');
  if (/MAC mismatch/i.test(text)) return 'its MAC does not match its content: the file was changed after it was encrypted, or is corrupt (re-encrypt it with sops)';
  if (/get(ting)? (the )?data key|no identity matched|failed to decrypt.*age|0 successful groups/i.test(text)) {
    return "none of the agent's age identities can decrypt it: it is encrypted to other recipients, or the key Secret holds another environment's key";
  }
  const first = text.split('\n').map((line) => line.trim()).find(Boolean) ?? 'sops failed without a message';
  return `sops could not decrypt it: ${first.length > 300 ? `${first.slice(0, 300)}…` : first}`;
}
