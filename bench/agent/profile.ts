// `bench/agent --profile <dir>`: CPU profiles of both sides of the full apply. The agent runs with
// `--cpu-prof` (written when it stops); the API server's Go profile (`/debug/pprof/profile`,
// served because kube-apiserver's `--profiling` defaults to true) is taken over the first
// seconds of Ladder's first apply and of kubectl's. Read them with `go tool pprof -top <file>`
// and Chrome DevTools (or `node --import tsx bench/agent/cpu-top.ts <file>`).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { ControlPlane } from '../../test/bed/kube/control-plane.js';

/** Takes `seconds` of the API server's CPU profile into `file` (pprof's protobuf). */
export function apiServerProfile(cluster: ControlPlane, seconds: number, file: string): Promise<void> {
  mkdirSync(join(file, '..'), { recursive: true });
  const pki = join(cluster.dir, 'pki');
  const url = new URL(`/debug/pprof/profile?seconds=${seconds}`, cluster.server);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      cert: readFileSync(join(pki, 'admin.crt')), key: readFileSync(join(pki, 'admin.key')), ca: readFileSync(join(pki, 'ca.crt')),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`pprof answered ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 500)}`));
        writeFileSync(file, Buffer.concat(chunks));
        resolve();
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The agent's NODE_OPTIONS with a V8 CPU profile written into `dir` when it exits. */
export function withCpuProfile(nodeOptions: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  return `${nodeOptions} --cpu-prof --cpu-prof-dir=${dir}`;
}
