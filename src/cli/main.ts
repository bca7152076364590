#!/usr/bin/env node
// The entry point does one thing before loading the rest: Node keeps the compiled
// bytecode of Ladder's modules in the user's cache (most of a small run is
// compiling JavaScript), keyed by the modules' content, so an upgrade never runs
// stale code. LADDER_CACHE=off turns it off, like the validator cache.
import module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

if (process.env['LADDER_CACHE'] !== 'off') {
  const base = process.env['LADDER_CACHE_DIR'] ?? join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'ladder');
  try {
    module.enableCompileCache?.(join(base, 'node-compile-cache'));
  } catch {
    // an unwritable cache only costs time
  }
}
await import('./program.js');
