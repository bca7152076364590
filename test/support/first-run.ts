import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitHubServer } from '../bed/github/index.js';
import { reserveLoopbackPorts } from '../bed/kube/ports.js';
import { eventually } from './agent/log.js';
import { runLadder, type LadderProcess } from './ladder-process.js';

// `npm start` (`ladder app`) in a fresh directory against the GitHub test bed, as Probot's setup
// flow meets GitHub Enterprise Server: GHE_HOST and GHE_PROTOCOL point it at the bed, whose github.com
// pages and `/api/v3` REST API answer the App-manifest flow.

export interface FirstRun {
  /** Where `.env` is written and read: the working directory of every start. */
  dir: string;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** Starts `ladder app` there with the bed's address and `env`; waits until it listens. */
  start(env?: Record<string, string>): Promise<LadderProcess>;
}

export async function firstRun(github: GitHubServer): Promise<FirstRun> {
  const dir = await mkdtemp(join(tmpdir(), 'ladder-first-run-'));
  const [port] = (await reserveLoopbackPorts(1)) as [number];
  const url = `http://127.0.0.1:${port}`;
  const bed = new URL(github.url);
  return {
    dir,
    port,
    url,
    async start(env = {}) {
      const app = runLadder(['app'], { HOME: dir, GHE_HOST: bed.host, GHE_PROTOCOL: 'http', HOST: '127.0.0.1', PORT: String(port), ...env }, { cwd: dir });
      await eventually(async () => (await fetch(`${url}/healthz`).catch(() => undefined)) !== undefined || (app.child.exitCode !== null ? 'exited' : false), `ladder app to listen on ${url}`, 60_000, 100);
      return app;
    },
  };
}

/** The text of the element with this id: tags dropped, entities decoded, white space collapsed. */
export function textOf(html: string, id: string): string | undefined {
  const match = new RegExp(`<(\\w+)[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  if (!match) return undefined;
  return decode(match[2]!.replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ').trim();
}

/** The value of an attribute of the first element that has it, decoded. */
export function attributeOf(html: string, element: RegExp, attribute: string): string | undefined {
  const tag = element.exec(html)?.[0];
  const value = tag && new RegExp(`\\b${attribute}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? undefined : decode(value);
}

function decode(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** A GET that does not follow redirects. */
export async function get(url: string): Promise<{ status: number; location: string | null; body: string }> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), body: await response.text() };
}
