import { request } from 'node:https';
import { createLocalJWKSet, decodeJwt, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import type { AgentClaims } from '../../core/services/agent-grant.js';

/** Where an issuer's keys are fetched from, and how much of it is read. */
export interface IssuerKeysOptions {
  /** Extra CA certificates (PEM) for issuers with a private CA; NODE_EXTRA_CA_CERTS works too. */
  ca?: string;
  timeoutMs?: number;
  /** A discovery document or key set larger than this is refused (they are a few KiB). */
  maxBytes?: number;
  /** How long fetched keys are used before they are fetched again. */
  cacheMs?: number;
}

export interface IssuerRef {
  issuer: string;
  jwksUri?: string;
}

/** A token that does not prove what it claims: the message says why, never the token. */
export class AgentTokenRejected extends Error {}

/**
 * The claims a service-account token makes, read without trusting them:
 * they only pick the `agents` entry whose issuer's keys then check it.
 */
export function readUnverifiedClaims(token: string): AgentClaims {
  let payload: ReturnType<typeof decodeJwt>;
  try {
    payload = decodeJwt(token);
  } catch {
    throw new AgentTokenRejected('the bearer credential is not a JSON Web Token (a projected service-account token is expected)');
  }
  if (typeof payload.iss !== 'string' || typeof payload.sub !== 'string') throw new AgentTokenRejected('the token names no issuer (iss) or subject (sub)');
  return { iss: payload.iss, sub: payload.sub };
}

/**
 * Verifies Kubernetes service-account tokens against their issuer's published
 * keys (OpenID discovery, then the JWKS, as kube-apiserver serves them at
 * /.well-known/openid-configuration and /openid/v1/jwks): signature, issuer,
 * subject, audience, expiry. Keys are cached per URL for `cacheMs`, and
 * fetched again at once when a token names a key not among them (rotation).
 */
export class ServiceAccountTokenVerifier {
  private readonly keySets = new Map<string, { keys: JSONWebKeySet; fetchedAt: number }>();

  constructor(
    private readonly audience: string,
    private readonly options: IssuerKeysOptions = {},
    private readonly now: () => number = Date.now,
  ) {}

  async verify(token: string, issuer: IssuerRef, subject: string): Promise<void> {
    const jwksUri = issuer.jwksUri ?? (await this.discoverJwksUri(issuer.issuer));
    const check = async (keys: JSONWebKeySet) =>
      jwtVerify(token, createLocalJWKSet(keys), {
        issuer: issuer.issuer,
        subject,
        audience: this.audience,
        algorithms: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'PS256'],
        clockTolerance: 30,
      });
    try {
      try {
        await check(await this.keysAt(jwksUri, false));
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
        await check(await this.keysAt(jwksUri, true));
      }
    } catch (error) {
      if (error instanceof errors.JOSEError) throw new AgentTokenRejected(`the service-account token was refused: ${describe(error)}`);
      throw error;
    }
  }

  private async discoverJwksUri(issuer: string): Promise<string> {
    const document = (await this.fetchJson(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`)) as { jwks_uri?: unknown };
    if (typeof document.jwks_uri !== 'string' || !document.jwks_uri.startsWith('https://')) {
      throw new Error(`${issuer}'s OpenID discovery document has no https jwks_uri`);
    }
    return document.jwks_uri;
  }

  private async keysAt(url: string, refresh: boolean): Promise<JSONWebKeySet> {
    const cached = this.keySets.get(url);
    if (cached && !refresh && this.now() - cached.fetchedAt < (this.options.cacheMs ?? 300_000)) return cached.keys;
    const keys = (await this.fetchJson(url)) as JSONWebKeySet;
    if (!Array.isArray(keys?.keys)) throw new Error(`${url} is not a JSON Web Key Set`);
    this.keySets.set(url, { keys, fetchedAt: this.now() });
    return keys;
  }

  /** GET over https only, with a deadline and a size cap: the URL comes from services.yml, the answer from the network. */
  private fetchJson(url: string): Promise<unknown> {
    const maxBytes = this.options.maxBytes ?? 256 * 1024;
    return new Promise((resolve, reject) => {
      if (!url.startsWith('https://')) return reject(new Error(`${url}: only https is fetched`));
      const req = request(url, { method: 'GET', headers: { accept: 'application/jwk-set+json, application/json' }, ...(this.options.ca ? { ca: this.options.ca } : {}) }, (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          return reject(new Error(`${url} answered HTTP ${response.statusCode}`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) return req.destroy(new Error(`${url} sent more than ${maxBytes} bytes`));
          chunks.push(chunk);
        });
        response.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            reject(new Error(`${url} did not answer JSON`));
          }
        });
      });
      req.setTimeout(this.options.timeoutMs ?? 5_000, () => req.destroy(new Error(`${url} did not answer within ${this.options.timeoutMs ?? 5_000} ms`)));
      req.on('error', reject);
      req.end();
    });
  }
}

function describe(error: errors.JOSEError): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `its ${error.claim} claim is not what the grant names (${error.reason})`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify with the issuer\'s keys';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the issuer signed it';
  return error.message;
}
