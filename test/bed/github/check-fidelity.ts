// Compares what a test run used of GitHub (LADDER_BED_USAGE_FILE, written by the bed) with the
// fidelity table in docs/testing-github.md. Run by test/run.mjs after the tests:
//   node --import tsx test/bed/github/check-fidelity.ts <usage file> [--complete]
// --complete (the whole suite ran): the table must match exactly; otherwise it must only cover what was used.
import { readFileSync } from 'node:fs';
import { compareFidelity, readFidelityTable, tableProblems } from './fidelity.js';
import { parseUsage } from './usage.js';

const [file, flag] = process.argv.slice(2);
if (!file) {
  console.error('usage: check-fidelity.ts <usage file> [--complete]');
  process.exit(2);
}
const usage = parseUsage(readFileSync(file, 'utf8'));
const complete = flag === '--complete';
const table = readFidelityTable();
const problems = [...tableProblems(table), ...compareFidelity(table, usage, complete)];
if (problems.length) {
  console.error(`[test] docs/testing-github.md's fidelity table does not match what the ${complete ? 'suite' : 'tests run'} used of GitHub:`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}
console.error(`[test] fidelity table: ${usage.routes.size} routes and ${usage.events.size} events used, all listed${complete ? ', none listed unused' : ''}`);
