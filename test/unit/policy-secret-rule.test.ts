import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { describeCredentialValue, isSecretName } from '../../src/core/validate/policy/secret-patterns.js';
import { at, findingsOf, yaml } from '../fixtures/policy/helpers.js';

/** A Pod with one env var; its value sits at line 11, column 18. */
function podWithEnv(name: string, value: string): string {
  return yaml`
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
        - name: app
          image: nginx:1.27
          env:
            - name: ${name}
              value: ${JSON.stringify(value)}
  `;
}

const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq\n-----END RSA PRIVATE KEY-----\n';
const githubToken = 'ghp_' + 'x1Y2z3'.repeat(6);
const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

describe('literal-secret-in-env', () => {
  it('links its hint to both ways of shipping a secret, at headings docs/secrets.md has', () => {
    const hint = findingsOf('literal-secret-in-env', podWithEnv('DB_PASSWORD', 'hunter2-hunter2'))[0]!.hint ?? '';
    const page = readFileSync(new URL('../../docs/secrets.md', import.meta.url), 'utf8');
    const anchors = new Set([...page.matchAll(/^#+ (.+)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
    const links = [...hint.matchAll(/docs\/secrets\.md#([a-z0-9-]+)/g)].map((m) => m[1]!);
    assert.deepEqual(links, ['sops-encrypted-files', 'external-secrets-operator-and-sealed-secrets']);
    for (const anchor of links) assert.ok(anchors.has(anchor), `docs/secrets.md has no heading #${anchor}`);
  });

  const flagged: [string, string, string][] = [
    ['DB_PASSWORD', 'hunter2-hunter2', 'its name says it is a secret'],
    ['apiKey', 'k-193847', 'its name says it is a secret'],
    ['STRIPE_API_KEY', 'k-193847', 'its name says it is a secret'],
    ['client.secret', 'c-0987', 'its name says it is a secret'],
    ['AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'its name says it is a secret'],
    ['SIGNING-KEY', 'sk-1', 'its name says it is a secret'],
    ['GOOGLE_APPLICATION_CREDENTIALS', '{"type":"service_account"}', 'its name says it is a secret'],
    ['TLS_KEY', pem, 'its value looks like a private key'],
    ['AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE', 'its value looks like an AWS access key id'],
    ['DATABASE_URL', 'postgres://app:s3cr3t-pw@db:5432/app', 'its value looks like a URL with a password in it'],
    ['GH', githubToken, 'its value looks like a GitHub token'],
    ['SESSION', jwt, 'its value looks like a JSON Web Token'],
  ];
  for (const [name, value, reason] of flagged) {
    it(`reports ${name} at the value and never prints the value`, () => {
      const findings = findingsOf('literal-secret-in-env', podWithEnv(name, value));
      assert.deepEqual(findings.map(at), [{ rule: 'literal-secret-in-env', line: 11, column: 18 }]);
      assert.equal(findings[0]!.message, `container "app": env ${name} (env[0]) is set to a literal value and ${reason} (value not shown)`);
      const printed = JSON.stringify(findings[0]);
      for (const part of [value, ...value.split(/[\n:@/]/).filter((piece) => piece.length >= 6)]) {
        assert.ok(!printed.includes(JSON.stringify(part).slice(1, -1)), `finding must not contain ${JSON.stringify(part)}`);
      }
    });
  }

  const accepted: [string, string][] = [
    ['PASSWORD_FILE', '/run/secrets/db-password'],
    ['TOKEN_URL', 'https://auth.example.com/oauth/token'],
    ['SECRET_NAME', 'checkout-db'],
    ['PASSWORD_MIN_LENGTH', '12'],
    ['FEATURE_TOKENS_ENABLED', 'true'],
    ['DB_PASSWORD', '$(DB_PASSWORD_FROM_SECRET)'],
    ['DATABASE_URL', 'postgres://app:$(DB_PASSWORD)@db:5432/app'],
    ['DATABASE_URL', 'postgres://db:5432/app'],
    ['API_TOKEN', ''],
    ['LOG_LEVEL', 'info'],
    ['PWD', '/app'],
  ];
  for (const [name, value] of accepted) {
    it(`accepts ${name}=${value || '""'}`, () => assert.deepEqual(findingsOf('literal-secret-in-env', podWithEnv(name, value)), []));
  }

  it('accepts a value taken from a Secret', () => {
    const pod = podWithEnv('DB_PASSWORD', 'x').replace('value: "x"', 'valueFrom: { secretKeyRef: { name: db, key: password } }');
    assert.deepEqual(findingsOf('literal-secret-in-env', pod), []);
  });

  it('names an init container and the env index', () => {
    const pod = podWithEnv('LOG_LEVEL', 'info').replace('  containers:', '  initContainers:').replace('      value: "info"\n', '      value: "info"\n        - name: API_TOKEN\n          value: "t-123456"\n');
    const findings = findingsOf('literal-secret-in-env', pod);
    assert.deepEqual(findings.map(at), [{ rule: 'literal-secret-in-env', line: 13, column: 18 }]);
    assert.match(findings[0]!.message, /^init container "app": env API_TOKEN \(env\[1\]\)/);
  });
});

describe('secret heuristics', () => {
  it('reads names in any case style, but not names about a secret', () => {
    assert.deepEqual(
      ['dbPassword', 'db-passwd', 'OAUTH_CLIENT_SECRET', 'privateKey', 'PRIVATE_KEY', 'slack.token', 'MASTER_KEY', 'KEY', 'MONKEY', 'PASSWORD_PATH', 'SECRET_REF']
        .map((name) => [name, isSecretName(name)]),
      [['dbPassword', true], ['db-passwd', true], ['OAUTH_CLIENT_SECRET', true], ['privateKey', true], ['PRIVATE_KEY', true], ['slack.token', true], ['MASTER_KEY', true], ['KEY', false], ['MONKEY', false], ['PASSWORD_PATH', false], ['SECRET_REF', false]],
    );
  });

  it('describes credential shapes without returning any part of the value', () => {
    assert.equal(describeCredentialValue('xoxb-1234567890-abcdefghij'), 'a Slack token');
    assert.equal(describeCredentialValue('-----BEGIN OPENSSH PRIVATE KEY-----'), 'a private key');
    assert.equal(describeCredentialValue('-----BEGIN CERTIFICATE-----'), undefined, 'a certificate is public');
    assert.equal(describeCredentialValue('https://example.com/path'), undefined);
  });
});
