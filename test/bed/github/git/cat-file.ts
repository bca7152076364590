import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface CatFileObject {
  type: string;
  content: Buffer;
}

interface Waiter {
  resolve(value: CatFileObject | null): void;
  reject(error: Error): void;
}

/**
 * One long-lived `git cat-file --batch` per repository. Starting a process
 * from a large Node process costs milliseconds, and the server reads objects
 * on every request. Only ever asked for full object ids: objects are
 * immutable, and git finds objects written after it started.
 */
export class CatFile {
  private child: ChildProcessWithoutNullStreams | undefined;
  private buffer = Buffer.alloc(0);
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly gitDir: string,
    private readonly env: Record<string, string>,
  ) {}

  read(sha: string): Promise<CatFileObject | null> {
    if (!/^[0-9a-f]{40}$/.test(sha)) return Promise.resolve(null);
    const child = this.start();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      child.stdin.write(`${sha}\n`);
    });
  }

  close(): void {
    this.child?.stdin.end();
    this.child = undefined;
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', ['--git-dir', this.gitDir, 'cat-file', '--batch'], { env: this.env });
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    const fail = (error: Error) => {
      for (const waiter of this.waiting.splice(0)) waiter.reject(error);
      if (this.child === child) this.child = undefined;
    };
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`git cat-file --batch exited with ${code}`)));
    child.stdin.on('error', () => undefined);
    // A reader must never be what keeps a test process alive; it exits when stdin closes.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as { unref?: () => void }).unref?.();
    this.child = child;
    return child;
  }

  /** Answers waiters in order from complete records: `<sha> <type> <size>\n<content>\n` or `<sha> missing\n`. */
  private drain(): void {
    for (;;) {
      const newline = this.buffer.indexOf(0x0a);
      if (newline === -1 || !this.waiting.length) return;
      const header = this.buffer.subarray(0, newline).toString('utf8').split(' ');
      if (header[1] === 'missing' || header.length < 3) {
        this.buffer = this.buffer.subarray(newline + 1);
        this.waiting.shift()?.resolve(null);
        continue;
      }
      const size = Number(header[2]);
      const end = newline + 1 + size;
      if (this.buffer.length < end + 1) return;
      const content = Buffer.from(this.buffer.subarray(newline + 1, end));
      this.buffer = this.buffer.subarray(end + 1);
      this.waiting.shift()?.resolve({ type: header[1] ?? '', content });
    }
  }
}
