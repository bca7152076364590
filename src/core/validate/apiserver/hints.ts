import { formatPath, type FieldError } from './field.js';

/**
 * How to fix a refusal, in one sentence. The API server says what is wrong;
 * these say what to change, for the refusals people meet most, and fall back
 * to a sentence built from the error's type.
 */
const specific: [RegExp, (error: FieldError) => string][] = [
  [/`selector` does not match template `labels`/, () => 'Give the pod template (spec.template.metadata.labels) every label the selector asks for, with the same values.'],
  [/`selector` not auto-generated|`selector` will be auto-generated/, () => 'Remove spec.selector: the API server generates a Job\'s selector and pod labels (or set manualSelector: true and label the pods yourself).'],
  [/empty selector is invalid/, () => 'Add matchLabels (or matchExpressions) to the selector; an empty selector would select every pod in the namespace.'],
  [/lowercase RFC 1123|DNS-1035 label/, () => 'Use lower-case letters, digits and \'-\' (and \'.\' where a subdomain is allowed), starting and ending with a letter or digit.'],
  [/a valid label must be an empty string/, () => 'Label values may hold letters, digits, \'-\', \'_\' and \'.\', start and end with a letter or digit, and be at most 63 characters.'],
  [/name part must consist of|prefix part/, () => 'Label and annotation keys are an optional DNS prefix, \'/\', and a name of letters, digits, \'-\', \'_\' or \'.\' of at most 63 characters.'],
  [/must be less than or equal to .* limit of|must be equal to .* limit of/, () => 'Lower the request or raise the limit: a container may not request more than its limit.'],
  [/expected exactly 5 fields|unrecognized descriptor|beyond end of range|above maximum|below minimum|failed to parse int|too many (hyphens|slashes)|step of range/, () => 'A schedule has five fields — minute hour day-of-month month day-of-week, e.g. "*/15 * * * *" — or is a descriptor such as @hourly or @daily.'],
  [/cannot use TZ or CRON_TZ in schedule/, () => 'Move the time zone from the schedule to spec.timeZone (e.g. timeZone: Europe/Berlin).'],
  [/unknown time zone/, () => 'Use an IANA time zone name such as Europe/Berlin or America/New_York.'],
  [/must be between 1 and 65535/, () => 'Use a port number from 1 to 65535.'],
  [/default --service-node-port-range/, () => 'Use a node port from 30000 to 32767, or leave nodePort out and let the cluster pick one; if your API server runs with another --service-node-port-range, this warning does not apply.'],
  [/no cluster's node port range/, () => 'Use a node port from 30000 to 32767 (the default range), or leave nodePort out and let the cluster pick one.'],
  [/must be greater than or equal to 0/, () => 'Use zero or a positive number.'],
  [/may not be 0 when `maxSurge` is 0|cannot be 0 when maxSurge is 0/, () => 'Let the rollout make progress: set maxSurge or maxUnavailable above zero.'],
  [/must be greater than minReadySeconds/, () => 'Make progressDeadlineSeconds larger than minReadySeconds, or leave it unset (600).'],
  [/only "Never" is supported when podFailurePolicy|valid values: "OnFailure", "Never"/, () => 'Set spec.template.spec.restartPolicy to OnFailure or Never (Never when podFailurePolicy is set).'],
  [/must be greater than or equal to `minReplicas`/, () => 'Make maxReplicas at least minReplicas.'],
  [/must not have more than/, (e) => `Shorten ${formatPath(e.path)}.`],
  [/must be no more than 52 characters/, () => 'Shorten the CronJob name to 52 characters: its Jobs get an 11-character suffix and must fit in 63.'],
  [/must be a valid IP address/, () => 'Write an IPv4 (10.0.0.1) or IPv6 (2001:db8::1) address.'],
  [/must be a valid CIDR value/, () => 'Write a CIDR block such as 10.0.0.0/8 or 2001:db8::/32.'],
  [/must not have leading 0s/, () => 'Remove leading zeros from the address (10.0.0.1, not 010.0.0.1).'],
  [/must be a standard resource/, () => 'Use a standard resource name (cpu, memory, ephemeral-storage, hugepages-<size>) or a fully qualified extended resource (example.com/gpu).'],
];

const byType: Record<FieldError['type'], (path: string, error: FieldError) => string> = {
  Required: (path) => `Set ${path}.`,
  Invalid: (path) => `Change ${path} to a value the API server accepts (see the message).`,
  NotSupported: (path, error) => `Use one of the supported values for ${path}${error.detail ? ` (${error.detail.replace(/^supported values: /, '')})` : ''}.`,
  Duplicate: (path) => `Make ${path} unique: another entry of the list already has this value.`,
  Forbidden: (path) => `Remove ${path}, or change what it conflicts with.`,
  TooLong: (path) => `Shorten ${path}.`,
  TooMany: (path) => `Use fewer entries in ${path}.`,
  NotFound: (path) => `Make ${path} name something defined in the same object (a volume, container or claim of the pod).`,
};

export function hintFor(error: FieldError): string {
  const message = error.detail;
  for (const [pattern, hint] of specific) if (pattern.test(message)) return hint(error);
  return byType[error.type](formatPath(error.path), error);
}
