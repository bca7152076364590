import { createSign, createVerify, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

export interface AppKeys {
  /** PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`), the format of the key file GitHub lets an App owner download. */
  privateKey: string;
  publicKey: KeyObject;
}

// RSA key generation takes up to a second on a busy machine; servers in one
// test process share one key pair (each server still has its own App id and secret).
let sharedKeys: Promise<AppKeys> | undefined;

export function generateAppKeys(options: { fresh?: boolean } = {}): Promise<AppKeys> {
  const generate = () =>
    promisify(generateKeyPair)('rsa', { modulusLength: 2048 }).then(({ privateKey, publicKey }) => ({
      privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      publicKey,
    }));
  if (options.fresh) return generate();
  sharedKeys ??= generate();
  return sharedKeys;
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

/** Signs an App JWT the way GitHub documents it (RS256, iss = app id). Tests use it to call /app endpoints. */
export function signAppJwt(
  privateKey: string,
  claims: { iss: number | string; iat: number; exp: number },
  alg = 'RS256',
): string {
  const head = base64url(JSON.stringify({ alg, typ: 'JWT' }));
  const body = base64url(JSON.stringify(claims));
  const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(privateKey);
  return `${head}.${body}.${base64url(signature)}`;
}

/** The `iss` claim of a JWT without checking anything else; undefined when it cannot be read. */
export function jwtIssuer(token: string): string | undefined {
  const body = token.split('.')[1];
  if (!body) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { iss?: unknown };
    return claims.iss === undefined || claims.iss === null ? '' : String(claims.iss);
  } catch {
    return undefined;
  }
}

export type JwtCheck = { ok: true; iss: string } | { ok: false; message: string };

// GitHub's own messages: @octokit/auth-app recognises the clock-skew ones and
// retries with a corrected clock, so they must match word for word.
const MESSAGES = {
  undecodable: 'A JSON web token could not be decoded',
  expired:
    "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
  tooFar: "'Expiration time' claim ('exp') is too far in the future",
  issuedAt: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
  issuer: "'Issuer' claim ('iss') must be an Integer",
};

/** Verifies signature and GitHub's time rules: exp in the future, at most 10 minutes after iat, iat not ahead of us. */
export function verifyAppJwt(token: string, publicKey: KeyObject, nowSeconds: number): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, message: MESSAGES.undecodable };
  const [head, body, signature] = parts as [string, string, string];
  let header: { alg?: string };
  let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as typeof header;
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return { ok: false, message: MESSAGES.undecodable };
  }
  if (header.alg !== 'RS256') return { ok: false, message: MESSAGES.undecodable };
  const valid = createVerify('RSA-SHA256')
    .update(`${head}.${body}`)
    .verify(publicKey, Buffer.from(signature, 'base64url'));
  if (!valid) return { ok: false, message: MESSAGES.undecodable };
  if (!Number.isInteger(claims.iat) || (claims.iat as number) > nowSeconds + 60) {
    return { ok: false, message: MESSAGES.issuedAt };
  }
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return { ok: false, message: MESSAGES.expired };
  if (claims.exp - (claims.iat as number) > 600 || claims.exp > nowSeconds + 600) {
    return { ok: false, message: MESSAGES.tooFar };
  }
  if (claims.iss === undefined || claims.iss === null) return { ok: false, message: MESSAGES.issuer };
  return { ok: true, iss: String(claims.iss) };
}
