/**
 * The `format`s Kubernetes schemas use, checked the way the API server's
 * decoders would reject them. Formats not listed here are ignored, as the
 * API server ignores formats it does not know.
 */

/**
 * A resource.Quantity in string form (apimachinery `ParseQuantity`):
 * signed decimal number, then a binary-SI (`Ki`…`Ei`), decimal-SI (`m`, `k`, `M`…`E`)
 * or exponent (`e3`) suffix.
 */
export const quantityPattern = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[KMGTPE]i|[mkMGTPE]|[eE][+-]?[0-9]+)?$/;

/** Standard base64 with padding; Go's decoder skips line breaks, so YAML block scalars are fine. */
export const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** RFC 3339 date-time as metav1.Time parses it. */
export const dateTimePattern = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

export const int32Range = { minimum: -2147483648, maximum: 2147483647 } as const;
export const int64Range = { minimum: -9223372036854775808, maximum: 9223372036854775807 } as const;

export interface FormatCheck {
  /** JSON type the format applies to; other types pass (the `type` keyword judges them). */
  type: 'string' | 'number';
  validate(value: string | number): boolean;
  /** What a valid value looks like, for messages. */
  expected: string;
}

export const formatChecks: Record<string, FormatCheck> = {
  int32: {
    type: 'number',
    validate: (n) => Number.isInteger(n) && (n as number) >= int32Range.minimum && (n as number) <= int32Range.maximum,
    expected: 'a 32-bit integer (-2147483648 to 2147483647)',
  },
  int64: {
    type: 'number',
    validate: (n) => Number.isInteger(n) && (n as number) >= int64Range.minimum && (n as number) <= int64Range.maximum,
    expected: 'a 64-bit integer',
  },
  byte: {
    type: 'string',
    validate: (s) => base64Pattern.test((s as string).replace(/[\r\n]/g, '')),
    expected: 'base64-encoded data',
  },
  'date-time': {
    type: 'string',
    validate: (s) => isDateTime(s as string),
    expected: 'an RFC 3339 date-time such as 2025-01-31T12:00:00Z',
  },
  quantity: {
    type: 'string',
    validate: (s) => quantityPattern.test(s as string),
    expected: 'a quantity such as 250m, 1.5, 512Mi or 2Gi',
  },
};

function isDateTime(text: string): boolean {
  const match = dateTimePattern.exec(text);
  if (!match) return false;
  // A `Z` offset leaves the offset groups undefined: count them as 0.
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, offsetHour = 0, offsetMinute = 0] = match
    .slice(1)
    .map((part) => (part === undefined ? 0 : Number(part)));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth &&
    hour <= 23 && minute <= 59 && second <= 60 && offsetHour <= 23 && offsetMinute <= 59
  );
}
