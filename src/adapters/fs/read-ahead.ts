import { Worker } from 'node:worker_threads';

/**
 * What reading one file gave: its bytes, its size when it is larger than the
 * limit (nothing more was read), or why it could not be read.
 */
export type FileRead = Uint8Array | number | { error: { code?: string; message: string }; notRegular?: boolean };

/** Below this many files the reading thread's start-up costs more than it saves. */
export const readAheadFiles = 2000;

/**
 * Reads `files` on a thread of its own, ahead of this one, and hands each
 * file's result to `use` here, in order. The system calls of reading
 * (open, fstat, read, close: 40–50 ms of 10,000 manifests) then run on the
 * other core while this thread parses. `readHere` reads the first files on
 * this thread while the reader starts. The reader stops at the first file it
 * cannot read, as reading on one thread does; `use` decides what that means.
 */
export async function readFilesAhead(
  files: readonly string[],
  maxBytes: number,
  readHere: (file: string) => Uint8Array | number,
  use: (file: string, read: FileRead) => void,
): Promise<void> {
  // About the number of files this thread reads and parses while the reader starts (~15 ms).
  const head = Math.min(files.length, 400);
  const reader = new Worker(readerSource, { eval: true, workerData: { files: files.slice(head), maxBytes } });
  try {
    const batches = batchesFrom(reader);
    for (let i = 0; i < head; i++) use(files[i]!, readHere(files[i]!));
    let next = head;
    while (next < files.length) {
      const { buffer, entries, failure } = await batches.next();
      const bytes = new Uint8Array(buffer);
      for (let i = 0; i < entries.length; i += 2) {
        const file = files[next++]!;
        const first = entries[i]!;
        if (first >= 0) use(file, bytes.subarray(first, entries[i + 1]!));
        else if (first === tooLarge) use(file, entries[i + 1]!);
        else use(file, failure!);
      }
    }
  } finally {
    await reader.terminate();
  }
}

/**
 * One batch of results, two numbers a file, in file order: `start, end` into
 * `buffer` for the bytes of a file, `tooLarge, size` for a file over the
 * limit, `failed, 0` for one that could not be read, which is `failure` (it
 * ends the reader's last batch). Numbers in one typed array cross threads as
 * one copy; an array per file was 10-15 ms of a large set's messages.
 */
interface Batch {
  buffer: ArrayBuffer;
  entries: Float64Array;
  failure?: FileRead;
}

const tooLarge = -1;

function batchesFrom(reader: Worker): { next(): Promise<Batch> } {
  const arrived: Batch[] = [];
  let waiting: { resolve: (batch: Batch) => void; reject: (error: Error) => void } | undefined;
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    waiting?.reject(failure);
    waiting = undefined;
  };
  reader.on('message', (batch: Batch) => {
    if (waiting) waiting.resolve(batch);
    else arrived.push(batch);
    waiting = undefined;
  });
  reader.on('error', fail);
  reader.on('exit', (code) => fail(new Error(`the file reading thread stopped (exit code ${code})`)));
  return {
    next() {
      const batch = arrived.shift();
      if (batch) return Promise.resolve(batch);
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => (waiting = { resolve, reject }));
    },
  };
}

/**
 * The reader, run as a script (`eval`): it needs nothing but `fs`, so it
 * starts in milliseconds and the CLI's bundle needs no file for it. Each file
 * is read as `readBounded` in read-manifests.ts reads it.
 */
const readerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { files, maxBytes } = workerData;
const batchBytes = 256 * 1024;
const tooLarge = -1;
const failed = -2;
let buffer = new Uint8Array(2 * batchBytes);
let used = 0;
let entries = [];
let failure;
const send = () => {
  const numbers = Float64Array.from(entries);
  parentPort.postMessage({ buffer: buffer.buffer, entries: numbers, failure }, [buffer.buffer, numbers.buffer]);
  buffer = new Uint8Array(2 * batchBytes);
  used = 0;
  entries = [];
};
const room = (bytes) => {
  if (used + bytes <= buffer.length) return;
  if (entries.length > 0) send();
  if (bytes > buffer.length) buffer = new Uint8Array(bytes);
};
for (const file of files) {
  let fd;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    entries.push(failed, 0);
    failure = { error: { code: error.code, message: error.message } };
    break;
  }
  let stop = false;
  try {
    const info = fs.fstatSync(fd);
    if (!info.isFile()) {
      entries.push(failed, 0);
      failure = { error: { message: 'not a regular file' }, notRegular: true };
      stop = true;
    } else if (info.size > maxBytes) {
      entries.push(tooLarge, info.size);
    } else {
      room(info.size + 1);
      const start = used;
      let total = 0;
      for (;;) {
        if (start + total === buffer.length) {
          const grown = new Uint8Array(buffer.length + 64 * 1024);
          grown.set(buffer.subarray(0, start + total));
          buffer = grown;
        }
        const wanted = buffer.length - start - total;
        const bytesRead = fs.readSync(fd, buffer, start + total, wanted, null);
        total += bytesRead;
        if (total > maxBytes || bytesRead < wanted) break;
      }
      if (total > maxBytes) entries.push(tooLarge, total);
      else {
        entries.push(start, start + total);
        used = start + total;
      }
    }
  } catch (error) {
    entries.push(failed, 0);
    failure = { error: { code: error.code, message: error.message } };
    stop = true;
  } finally {
    fs.closeSync(fd);
  }
  if (stop) break;
  if (used >= batchBytes) send();
}
send();
`;
