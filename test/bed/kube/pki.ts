import { execFile } from 'node:child_process';
import { generateKeyPair, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const generateKeyPairAsync = promisify(generateKeyPair);

/** Files of the throwaway certificate authority a test control plane trusts. */
export interface ClusterPki {
  dir: string;
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  serviceAccountKey: string;
  serviceAccountPublicKey: string;
}

export interface ClientIdentity {
  /** Becomes the Kubernetes user name (certificate CN). */
  user: string;
  /** Become the user's groups (certificate O entries). */
  groups?: string[];
}

/** Both ends of an issued client certificate, PEM-encoded. */
export interface ClientCredentials {
  certPem: string;
  keyPem: string;
}

// Only the sections we name with -extensions are used, so the system
// openssl.cnf (which marks every self-signed certificate as a CA) never applies.
const OPENSSL_CONFIG = `[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`;

// Long enough for a debugging session with serve.ts; the CA dies with the dir.
const VALID_DAYS = '30';

/** The administrator the test bed connects as: system:masters bypasses RBAC. */
export const ADMIN_IDENTITY: ClientIdentity = { user: 'ladder-test-admin', groups: ['system:masters'] };

/**
 * Creates a CA, the API server's serving certificate for 127.0.0.1/localhost,
 * an admin client certificate and the service-account signing key pair in
 * `dir`. P-256 keys keep this to a few tens of milliseconds.
 */
export async function createClusterPki(dir: string): Promise<ClusterPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pki: ClusterPki = {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    servingCert: join(dir, 'serving.crt'),
    servingKey: join(dir, 'serving.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
    serviceAccountKey: join(dir, 'service-account.key'),
    serviceAccountPublicKey: join(dir, 'service-account.pub'),
  };
  await writeFile(configPath(dir), OPENSSL_CONFIG);
  const [caKey, servingKey, adminKey, saKeys] = await Promise.all([newKey(), newKey(), newKey(), newKeyPair()]);
  await Promise.all([
    writeFile(pki.caKey, caKey, { mode: 0o600 }),
    writeFile(pki.servingKey, servingKey, { mode: 0o600 }),
    writeFile(pki.adminKey, adminKey, { mode: 0o600 }),
    writeFile(pki.serviceAccountKey, saKeys.privateKey, { mode: 0o600 }),
    writeFile(pki.serviceAccountPublicKey, saKeys.publicKey),
  ]);
  await openssl(dir, ['-extensions', 'ca', '-key', pki.caKey, '-subj', '/CN=ladder-test-ca', '-out', pki.caCert]);
  await Promise.all([
    signCertificate(pki, 'server', pki.servingKey, '/CN=kube-apiserver', pki.servingCert),
    signCertificate(pki, 'client', pki.adminKey, subjectOf(ADMIN_IDENTITY), pki.adminCert),
  ]);
  return pki;
}

/**
 * Issues a client certificate for any user and groups, signed by the test CA,
 * so RBAC can be exercised for identities that are not ServiceAccounts.
 */
export async function issueClientCertificate(pki: Pick<ClusterPki, 'dir' | 'caCert' | 'caKey'>, identity: ClientIdentity): Promise<ClientCredentials> {
  const base = join(pki.dir, `client-${randomBytes(6).toString('hex')}`);
  const keyPem = await newKey();
  await writeFile(`${base}.key`, keyPem, { mode: 0o600 });
  await signCertificate(pki, 'client', `${base}.key`, subjectOf(identity), `${base}.crt`);
  return { certPem: await readFile(`${base}.crt`, 'utf8'), keyPem };
}

async function signCertificate(
  pki: Pick<ClusterPki, 'dir' | 'caCert' | 'caKey'>,
  profile: 'server' | 'client',
  keyPath: string,
  subject: string,
  outPath: string,
): Promise<void> {
  await openssl(pki.dir, ['-extensions', profile, '-key', keyPath, '-subj', subject, '-CA', pki.caCert, '-CAkey', pki.caKey, '-out', outPath]);
}

async function openssl(dir: string, args: string[]): Promise<void> {
  const full = ['req', '-new', '-x509', '-config', configPath(dir), '-days', VALID_DAYS, ...args];
  try {
    await run('openssl', full);
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { stderr?: string };
    const why = err.code === 'ENOENT' ? 'openssl is not on PATH (install the openssl package)' : (err.stderr ?? err.message).trim();
    throw new Error(`creating a test certificate failed: openssl ${full.join(' ')}: ${why}`, { cause: error });
  }
}

function subjectOf(identity: ClientIdentity): string {
  // A '/' inside a value would start a new attribute in openssl's -subj syntax.
  const escape = (value: string) => value.replace(/[\\/]/g, (c) => `\\${c}`);
  const groups = (identity.groups ?? []).map((group) => `/O=${escape(group)}`).join('');
  return `${groups}/CN=${escape(identity.user)}`;
}

function configPath(dir: string): string {
  return join(dir, 'openssl.cnf');
}

async function newKey(): Promise<string> {
  return (await newKeyPair()).privateKey;
}

async function newKeyPair(): Promise<{ privateKey: string; publicKey: string }> {
  return generateKeyPairAsync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
}
