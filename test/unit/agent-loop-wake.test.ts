import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { AgentLoop, type Deployer } from '../../src/agent/loop/agent-loop.js';
import type { LeaderElector } from '../../src/agent/loop/leader.js';
import { AgentMetrics } from '../../src/agent/reporting/metrics.js';
import type { BranchSource, PollResult } from '../../src/agent/source/branch-source.js';

const commit = 'c'.repeat(40);
const anHour = 3_600_000;

/**
 * A loop whose branch read ends only when the test says, an elector the test
 * makes leader, and a deployer that records the commits it is given. The poll
 * interval is an hour: anything applied within the test came from a wake-up.
 */
function loopWithControls() {
  let leading = false;
  let finishRead: ((result: PollResult) => void) | undefined;
  let readStarted: () => void = () => undefined;
  const deployed: string[] = [];
  let deployedOne: () => void = () => undefined;
  const source = {
    poll: () => {
      readStarted();
      return new Promise<PollResult>((resolve) => (finishRead = resolve));
    },
    wasRead: () => true,
    lastFailure: () => undefined,
  } as unknown as BranchSource;
  const elector = { isLeader: () => leading, leadershipSignal: () => undefined } as unknown as LeaderElector;
  const deployer: Deployer = {
    async deploy(snapshot) {
      deployed.push(snapshot.commit);
      deployedOne();
      return { ok: true, description: 'Applied 1 object' };
    },
    async setActive() {},
  };
  const report = { applying: async () => {}, waiting: async () => {}, succeeded: async () => {}, failed: async () => {} };
  const loop = new AgentLoop({
    source,
    elector,
    deployer,
    reporter: { alreadyReported: async () => false, start: async () => report as never },
    metrics: new AgentMetrics(),
    log: pino({ level: 'silent' }),
    pollMs: anHour,
    retryFailedMs: anHour,
  });
  return {
    loop,
    deployed,
    nextRead: () => new Promise<void>((resolve) => (readStarted = resolve)),
    finishRead: (result: PollResult) => finishRead!(result),
    becomeLeader: () => {
      leading = true;
      loop.pollNow(); // what main.ts's onLeadershipChange does
    },
    nextDeploy: () => new Promise<void>((resolve) => (deployedOne = resolve)),
  };
}

/** Resolves with the promise, or rejects once `ms` pass: the hour-long interval would never end the test. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe("the agent loop's wake-ups", () => {
  it('applies at once when leadership comes while the branch is being read, not an interval later', async () => {
    const bed = loopWithControls();
    const firstRead = bed.nextRead();
    void bed.loop.start();
    try {
      await firstRead;
      // The lease is won during the read (a large commit takes seconds to read): the wake-up has no sleep to end yet.
      bed.becomeLeader();
      const deployed = bed.nextDeploy();
      const secondRead = bed.nextRead();
      bed.finishRead({ kind: 'changed', snapshot: { commit, files: [] } });
      // The first pass began as a follower and applies nothing; the remembered wake-up starts the next pass at once.
      await within(secondRead, 5_000, 'the next read');
      bed.finishRead({ kind: 'unchanged', snapshot: { commit, files: [] } });
      await within(deployed, 5_000, 'the apply');
      assert.deepEqual(bed.deployed, [commit]);
    } finally {
      const stopped = bed.loop.stop();
      bed.finishRead({ kind: 'unchanged', snapshot: { commit, files: [] } });
      await stopped;
    }
  });

  it('sleeps the interval when nobody asked for a poll', async () => {
    const bed = loopWithControls();
    const firstRead = bed.nextRead();
    void bed.loop.start();
    await firstRead;
    let readAgain = false;
    void bed.nextRead().then(() => (readAgain = true));
    bed.finishRead({ kind: 'changed', snapshot: { commit, files: [] } });
    // Long enough for an immediate second pass to have begun, were the sleep skipped.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(readAgain, false, 'a follower with no wake-up waits the poll interval');
    assert.deepEqual(bed.deployed, []);
    await bed.loop.stop();
  });
});
