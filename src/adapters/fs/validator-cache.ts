import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ValidatorCodeStore } from '../../core/validate/schema/code-cache.js';

/** Enough for every kind of three Kubernetes minors, checked and explained, with room to spare. */
const maxEntries = 400;

/**
 * `$LADDER_CACHE_DIR/validators`, else `$XDG_CACHE_HOME/ladder/validators`,
 * else `~/.cache/ladder/validators`; undefined when LADDER_CACHE=off.
 */
export function defaultValidatorCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['LADDER_CACHE'] === 'off') return undefined;
  const base = env['LADDER_CACHE_DIR'] ?? join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'ladder');
  return join(base, 'validators');
}

/**
 * Compiled validators on disk, one file of code (and one of V8's code cache)
 * per key. Safe to share between processes: a file is written under a
 * temporary name and renamed into place, so a reader sees all of it or none;
 * the code's own digest heads the file, so a damaged file is recompiled, not
 * run. The directory is the user's (mode 0700), like the rest of their cache.
 * Any failure to read or write only means compiling again.
 */
export function validatorCodeStore(dir: string): ValidatorCodeStore {
  let written = 0;
  return {
    read(key) {
      try {
        const text = readFileSync(join(dir, `${key}.js`), 'utf8');
        const newline = text.indexOf('\n');
        const code = text.slice(newline + 1);
        if (text.slice(0, newline) !== `// sha256:${digest(code)}`) return undefined;
        let v8: Uint8Array | undefined;
        try {
          v8 = readFileSync(join(dir, `${key}.v8`));
        } catch {
          v8 = undefined; // V8's cache is an optimisation: the code alone loads too
        }
        return v8 ? { code, v8 } : { code };
      } catch {
        return undefined;
      }
    },
    write(key, code, v8) {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        if (written++ === 0) prune(dir);
        atomicWrite(join(dir, `${key}.js`), `// sha256:${digest(code)}\n${code}`);
        if (v8) atomicWrite(join(dir, `${key}.v8`), v8);
      } catch {
        // a read-only or full disk: the next run compiles again
      }
    },
  };
}

function atomicWrite(path: string, content: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600 });
  renameSync(temporary, path);
}

/** Keeps the directory bounded: beyond `maxEntries` validators, the least recently written go. */
function prune(dir: string): void {
  const entries = readdirSync(dir).filter((name) => name.endsWith('.js'));
  if (entries.length < maxEntries) return;
  const byAge = entries.map((name) => ({ name, time: statSync(join(dir, name)).mtimeMs })).sort((a, b) => a.time - b.time);
  for (const { name } of byAge.slice(0, entries.length - maxEntries / 2)) {
    rmSync(join(dir, name), { force: true });
    rmSync(join(dir, name.replace(/\.js$/, '.v8')), { force: true });
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
