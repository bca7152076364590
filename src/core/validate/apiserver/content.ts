/**
 * String formats the API server enforces (k8s.io/apimachinery
 * pkg/api/validate/content and pkg/util/validation), with its messages. Each
 * function returns the list of problems, empty when the value is valid, as
 * the Go functions do. Lengths are in bytes, as Go's len() counts them.
 */

export const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

export function maxLenError(length: number): string {
  return `must be no more than ${length} bytes`;
}

/** pkg/util/validation's older wording, still used by a few checks (environment variables, port names). */
export function maxCharactersError(length: number): string {
  return `must be no more than ${length} characters`;
}

export function regexError(message: string, pattern: string, ...examples: string[]): string {
  if (examples.length === 0) return `${message} (regex used for validation is '${pattern}')`;
  // Go's RegexError puts ", " after each example and " or " between them: two spaces before "or".
  return `${message} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${pattern}')`;
}

export const emptyError = 'must be non-empty';

export function inclusiveRangeError(low: number, high: number): string {
  return `must be between ${low} and ${high}, inclusive`;
}

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123Subdomain = new RegExp(`^${dns1123SubdomainFmt}$`);
const dns1123SubdomainCaseless = new RegExp(`^${dns1123SubdomainFmt}$`, 'i');

/** util/validation says "characters", the newer content package "bytes"; both count bytes. */
// In each check below, a value the pattern matches is ASCII, so its length in characters is its length in bytes:
// one that matches within the limit passes without counting bytes (the usual case).

export function isDns1123Label(value: string): string[] {
  if (value.length <= 63 && dns1123Label.test(value)) return [];
  const errors: string[] = [];
  if (byteLength(value) > 63) errors.push(maxCharactersError(63));
  if (!dns1123Label.test(value)) {
    errors.push(
      dns1123Subdomain.test(value)
        ? 'must not contain dots'
        : regexError(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
            dns1123LabelFmt,
            'my-name',
            '123-abc',
          ),
    );
  }
  return errors;
}

export function isDns1123Subdomain(value: string, caseless = false, inBytes = false): string[] {
  if (value.length <= 253 && (caseless ? dns1123SubdomainCaseless : dns1123Subdomain).test(value)) return [];
  const errors: string[] = [];
  if (byteLength(value) > 253) errors.push(inBytes ? maxLenError(253) : maxCharactersError(253));
  if (!(caseless ? dns1123SubdomainCaseless : dns1123Subdomain).test(value)) {
    errors.push(
      caseless
        ? regexError("an RFC 1123 subdomain must consist of alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", dns1123SubdomainFmt, 'Example.com')
        : regexError(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            dns1123SubdomainFmt,
            'example.com',
          ),
    );
  }
  return errors;
}

const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function isDns1035Label(value: string): string[] {
  if (value.length <= 63 && dns1035Label.test(value)) return [];
  const errors: string[] = [];
  if (byteLength(value) > 63) errors.push(maxCharactersError(63));
  if (!dns1035Label.test(value)) {
    errors.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        dns1035LabelFmt,
        'my-name',
        'abc-123',
      ),
    );
  }
  return errors;
}

const wildcardFmt = `\\*\\.${dns1123SubdomainFmt}`;
const wildcard = new RegExp(`^${wildcardFmt}$`);

export function isWildcardDns1123Subdomain(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 253) errors.push(maxCharactersError(253));
  if (!wildcard.test(value)) {
    errors.push(
      regexError(
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
        wildcardFmt,
        '*.example.com',
      ),
    );
  }
  return errors;
}

const labelKeyFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const labelKeyName = new RegExp(`^${labelKeyFmt}$`);
const labelKeyMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** A label key, annotation key, finalizer or other "qualified name": `[prefix/]name`. */
// Every check below passes for a key this matches within 63 characters (ASCII): the usual case, in one test.
const plainQualifiedName = new RegExp(`^(?:${dns1123SubdomainFmt}/)?${labelKeyFmt}$`);

export function isQualifiedName(value: string): string[] {
  if (value.length <= 63 && plainQualifiedName.test(value)) return [];
  const errors: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errors.push(`prefix part ${emptyError}`);
    else errors.push(...isDns1123Subdomain(prefix, false, true).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a valid label key ${regexError(labelKeyMessage, labelKeyFmt, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errors.push(`name part ${emptyError}`);
  else if (byteLength(name) > 63) errors.push(`name part ${maxLenError(63)}`);
  if (!labelKeyName.test(name)) errors.push(`name part ${regexError(labelKeyMessage, labelKeyFmt, 'MyName', 'my.name', '123-abc')}`);
  return errors;
}

const labelValueFmt = `(${labelKeyFmt})?`;
const labelValue = new RegExp(`^${labelValueFmt}$`);

export function isLabelValue(value: string): string[] {
  if (value.length <= 63 && labelValue.test(value)) return [];
  const errors: string[] = [];
  if (byteLength(value) > 63) errors.push(maxLenError(63));
  if (!labelValue.test(value)) {
    errors.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        labelValueFmt,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  return errors;
}

const cIdentifierFmt = '[A-Za-z_][A-Za-z0-9_]*';

export function isCIdentifier(value: string): string[] {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(value)
    ? []
    : [regexError("a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'", cIdentifierFmt, 'my_name', 'MY_NAME', 'MyName')];
}

/** Names of RBAC objects and the generic check every object name passes: a URL path segment. */
export function isPathSegmentName(value: string): string[] {
  if (value === '.' || value === '..') return [`may not be '${value}'`];
  return isPathSegmentPrefix(value);
}

export function isPathSegmentPrefix(value: string): string[] {
  const errors: string[] = [];
  if (value.includes('/')) errors.push("may not contain '/'");
  if (value.includes('%')) errors.push("may not contain '%'");
  return errors;
}

export function isValidPortNum(port: number): string[] {
  return port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

export function isInRange(value: number, low: number, high: number): string[] {
  return value >= low && value <= high ? [] : [inclusiveRangeError(low, high)];
}

/** An IANA service name: what a container port or service port may be called. */
// Every check below passes for a name this matches (ASCII, so 15 characters are 15 bytes): the usual case, in one test.
const plainPortName = /^(?=[-0-9]*[a-z])[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function isValidPortName(port: string): string[] {
  if (port.length <= 15 && plainPortName.test(port)) return [];
  const errors: string[] = [];
  if (byteLength(port) > 15) errors.push(maxCharactersError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errors.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errors.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errors.push('must not contain consecutive hyphens');
  if (port.startsWith('-') || port.endsWith('-')) errors.push('must not begin or end with a hyphen');
  return errors;
}

export function isValidPercent(value: string): string[] {
  return /^[0-9]+%$/.test(value) ? [] : [regexError("a valid percent string must be a numeric string followed by an ending '%'", '[0-9]+%', '1%', '93%')];
}

export function isHttpHeaderName(value: string): string[] {
  return /^[-A-Za-z0-9]+$/.test(value) ? [] : [regexError("a valid HTTP header must consist of alphanumeric characters or '-'", '[-A-Za-z0-9]+', 'X-Header-Name')];
}

/** A key of ConfigMap or Secret data, or of a key-to-path projection. */
export function isConfigMapKey(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 253) errors.push(maxCharactersError(253));
  if (!/^[-._a-zA-Z0-9]+$/.test(value)) {
    errors.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", '[-._a-zA-Z0-9]+', 'key.name', 'KEY_NAME', 'key-name'));
  }
  errors.push(...hasChdirPrefix(value));
  return errors;
}

/** Environment variable names before RelaxedEnvironmentVariableValidation. */
export function isEnvVarName(value: string): string[] {
  const errors: string[] = [];
  if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(value)) {
    errors.push(
      regexError(
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
        '[-._a-zA-Z][-._a-zA-Z0-9]*',
        'my.env-name',
        'MY_ENV.NAME',
        'MyEnvName1',
      ),
    );
  }
  errors.push(...hasChdirPrefix(value));
  return errors;
}

/** Environment variable names with RelaxedEnvironmentVariableValidation (on by default since 1.32): printable ASCII but `=`. */
export function isRelaxedEnvVarName(value: string): string[] {
  const errors: string[] = [];
  if (value.length === 0) errors.push(`environment variable name ${emptyError}`);
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code > 0x7e || code < 0x20 || char === '=') {
      errors.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
      break;
    }
  }
  return errors;
}

function hasChdirPrefix(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

/** `acme.io/foo`: a DNS subdomain, `/`, and an HTTP path (IngressClass controllers). */
export function isDomainPrefixedPath(value: string): string[] {
  const slash = value.indexOf('/');
  if (slash <= 0 || slash === value.length - 1) return ['must be a domain-prefixed path (such as "acme.io/foo")'];
  const errors = isDns1123Subdomain(value.slice(0, slash));
  if (!/^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/.test(value.slice(slash + 1))) {
    errors.push(regexError('Invalid path', "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+"));
  }
  return errors;
}

/** At least three DNS labels, as a fully qualified name in Kubernetes' older sense (CSI drivers, signer names). */
export function isFullyQualifiedName(value: string): string[] {
  const errors = isDns1123Subdomain(value);
  if (errors.length > 0) return [errors.join(',')];
  return value.split('.').length < 3 ? ['should be a domain with at least three segments separated by dots'] : [];
}
