import type { AgentGrant, ServicesFile } from './schema.js';
import { servicesFilePath } from './schema.js';

/**
 * What a token the App hands an agent may do, and nothing else (issue #11):
 * read its manifest repository and report deployments, statuses and check
 * runs there. It cannot push, open or merge pull requests, or reach another
 * repository; GitHub adds `metadata: read` to every token by itself.
 */
export const agentTokenPermissions = { contents: 'read', deployments: 'write', statuses: 'write', checks: 'write' } as const;

/** The audience an agent's projected service-account token names: it is meant for the Ladder App and nothing else. */
export const agentTokenAudience = 'ladder';

/** What a service-account token claims, before its signature is checked. */
export interface AgentClaims {
  iss: string;
  sub: string;
}

export type AgentMatch = { ok: true; name: string; grant: AgentGrant } | { ok: false; message: string };

/**
 * The `agents` entry of a manifest repository's `.ladder/services.yml` that
 * names this issuer and service account: the only agents the App hands a
 * token to that repository. A refusal says what to add where; its signature
 * is checked afterwards, against the keys of the issuer the entry names.
 */
export function agentGrantFor(services: ServicesFile, claims: AgentClaims, repository: string): AgentMatch {
  for (const [name, grant] of Object.entries(services.agents)) {
    if (grant.issuer === claims.iss && grant.subject === claims.sub) return { ok: true, name, grant };
  }
  const sameSubject = Object.entries(services.agents).find(([, grant]) => grant.subject === claims.sub);
  const hint = sameSubject ? ` (agents.${sameSubject[0]} names ${claims.sub} with issuer ${sameSubject[1].issuer})` : '';
  return {
    ok: false,
    message:
      `no agent of ${repository} is ${claims.sub} of issuer ${claims.iss}${hint}: ` +
      `add it under agents: in ${servicesFilePath} on ${repository}'s default branch, e.g.\n` +
      `agents:\n  <cluster>:\n    issuer: ${claims.iss}\n    subject: ${claims.sub}\n    environments: [<environment>]`,
  };
}
