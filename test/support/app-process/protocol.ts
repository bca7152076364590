import type { RenderWorkerLimits } from '../../../src/app/render-worker/pool.js';

/** What the App process is started with (as JSON in LADDER_TEST_APP). */
export interface AppProcessSettings {
  githubUrl: string;
  appId: number;
  privateKey: string;
  webhookSecret: string;
  render?: Partial<RenderWorkerLimits>;
}

/** `schemas`: answer once the default version's validators are compiled; `idle`: once the App's queue is empty; `reset`: the event-loop histogram. */
export type AppProcessRequest = { id: number; type: 'stats' | 'idle' | 'reset' | 'schemas' | 'stop' };

export interface AppProcessStats {
  /** Longest event-loop pause since the last reset, from monitorEventLoopDelay (10 ms resolution). */
  eventLoopMaxMs: number;
  /** The longest gap between two 10 ms ticks of the App's thread, and the CPU time that thread used in it. */
  longestPause: { wallMs: number; cpuMs: number };
  /** The most CPU time the App's thread used between two ticks: its longest piece of work that held the loop. */
  busiestTickCpuMs: number;
  /** The process's peak resident set: its main thread, render and schema threads, nothing else. */
  peakRssMiB: number;
  queued: number;
}
