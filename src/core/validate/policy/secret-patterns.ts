/**
 * Heuristics for credentials in literal environment values. They favour
 * recognisable shapes over entropy guesses so that findings are rarely wrong;
 * an env var that is not a secret despite its name can be exempted per
 * resource in the config, with a reason.
 */

/** Name words that mean the value is a secret. */
const secretWords = new Set(['PASSWORD', 'PASSWD', 'PASSPHRASE', 'SECRET', 'SECRETS', 'TOKEN', 'TOKENS', 'CREDENTIAL', 'CREDENTIALS', 'CREDS', 'APIKEY', 'PRIVATEKEY']);

/** Word pairs that mean the same, e.g. `API_KEY`, `awsAccessKey`. */
const secretPairs = new Set(['API KEY', 'PRIVATE KEY', 'ACCESS KEY', 'SIGNING KEY', 'ENCRYPTION KEY', 'MASTER KEY', 'AUTH KEY', 'LICENSE KEY']);

/**
 * A last word that makes the variable *about* a secret rather than the secret
 * itself: `PASSWORD_FILE=/run/secrets/db` (the recommended way), `TOKEN_URL`,
 * `SECRET_NAME`, `PASSWORD_MIN_LENGTH`.
 */
const aboutWords = new Set([
  'FILE', 'PATH', 'DIR', 'NAME', 'REF', 'URL', 'URI', 'ENDPOINT', 'HOST', 'PORT', 'TTL', 'EXPIRY', 'EXPIRES', 'LIFETIME',
  'LENGTH', 'LEN', 'SIZE', 'TIMEOUT', 'HEADER', 'TYPE', 'ENABLED', 'DISABLED', 'REQUIRED', 'FIELD', 'AUDIENCE', 'ISSUER',
  'SCOPE', 'SCOPES', 'ALGORITHM', 'MOUNT', 'LOCATION', 'PROVIDER', 'VERSION', 'FORMAT', 'POLICY', 'ROTATION', 'INTERVAL',
]);

/** Splits `dbPassword`, `DB_PASSWORD`, `db.password` and `API-Key` into upper-case words. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.toUpperCase());
}

/** Whether an environment variable's name says its value is a secret. */
export function isSecretName(name: string): boolean {
  const words = wordsOf(name);
  if (words.length === 0 || aboutWords.has(words.at(-1)!)) return false;
  return words.some((word, index) => secretWords.has(word) || (index > 0 && secretPairs.has(`${words[index - 1]} ${word}`)));
}

/** A Kubernetes dependent variable, `$(OTHER_VAR)`: it expands to another variable, typically one from a Secret. */
const variableReference = /\$\([A-Za-z_][A-Za-z0-9_.-]*\)/g;

const credentialShapes: readonly [RegExp, string][] = [
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/, 'a private key'],
  [/\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/, 'an AWS access key id'],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/, 'a GitHub token'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/\b[sr]k_live_[0-9A-Za-z]{16,}/, 'a Stripe live key'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, 'a JSON Web Token'],
];

/** `scheme://user:password@host`; the password group excludes `$(VAR)` references (checked separately). */
const urlWithPassword = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:([^\s/@]+)@/i;

/** What credential the value looks like (`a private key`), or undefined. Never returns any part of the value. */
export function describeCredentialValue(value: string): string | undefined {
  const literal = value.replace(variableReference, '');
  for (const [shape, description] of credentialShapes) if (shape.test(literal)) return description;
  const url = urlWithPassword.exec(value);
  if (url && url[1]!.replace(variableReference, '') !== '') return 'a URL with a password in it';
  return undefined;
}

/**
 * Whether a literal value under a secret-sounding name is worth a finding:
 * values built from `$(VAR)` references are how Secrets are meant to be
 * combined, and booleans are switches, not secrets.
 */
export function isLiteralSecretValue(value: string): boolean {
  if (value.trim() === '' || /^(true|false)$/i.test(value.trim())) return false;
  return value.replace(variableReference, '') === value;
}
