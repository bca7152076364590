import { invalid, type FieldError, type FieldPath } from './field.js';

/**
 * IP and CIDR checks of pkg/util/validation/ip.go. Legacy fields parse the
 * way Go's net.ParseIP did before 1.17 ("sloppy": IPv4 octets may have
 * leading zeros); with StrictIPCIDRValidation (on by default since 1.36) the
 * value must also parse with net/netip, which refuses leading zeros and
 * IPv4-mapped IPv6 addresses.
 */

interface ParsedAddress {
  bytes: number[];
  /** Written as IPv4 dotted quad (a 4-byte address). */
  v4: boolean;
}

function parseIPv4(text: string, strict: boolean): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^[0-9]+$/.test(part)) return undefined;
    if (strict && (part.length > 3 || (part.length > 1 && part.startsWith('0')))) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

function parseIPv6(text: string, strict: boolean): number[] | undefined {
  let rest = text;
  if (strict) {
    const zone = rest.indexOf('%');
    if (zone >= 0) rest = rest.slice(0, zone); // netip accepts a zone
  }
  const halves = rest.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIPv4(item, strict);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return undefined;
      out.push(parseInt(item, 16));
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const count = head.length + tail.length;
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const all = [...head, ...Array<number>(8 - count).fill(0), ...tail];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

function parseAddress(text: string, strict: boolean): ParsedAddress | undefined {
  if (text.includes(':')) {
    const bytes = parseIPv6(text, strict);
    return bytes ? { bytes, v4: false } : undefined;
  }
  if (!strict && text.includes('%')) return undefined;
  const bytes = parseIPv4(text, strict);
  return bytes ? { bytes, v4: true } : undefined;
}

/** The address's bytes (4 for dotted IPv4, 16 for IPv6), parsed as net.ParseIP did; undefined when it is not an IP. */
export function ipAddressBytes(text: string): number[] | undefined {
  return parseAddress(text, false)?.bytes;
}

function is4In6(address: ParsedAddress): boolean {
  if (address.v4) return false;
  const b = address.bytes;
  return b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
}

export function strictIpErrors(text: string): string[] {
  if (!parseAddress(text, false)) return ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
  const strict = parseAddress(text, true);
  const errors: string[] = [];
  if (!strict) errors.push('must not have leading 0s');
  else if (is4In6(strict)) errors.push('must not be an IPv4-mapped IPv6 address');
  return errors;
}

/** IsValidIPForLegacyField. */
export function validateLegacyIp(path: FieldPath, text: string, strict: boolean): FieldError[] {
  if (!parseAddress(text, false)) return [invalid(path, text, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
  if (!strict) return [];
  return strictIpErrors(text).map((m) => invalid(path, text, m));
}

export function isIPv4Text(text: string): boolean {
  const parsed = parseAddress(text, false);
  return parsed !== undefined && (parsed.v4 || is4In6(parsed));
}

export function isIPv6Text(text: string): boolean {
  const parsed = parseAddress(text, false);
  return parsed !== undefined && !parsed.v4 && !is4In6(parsed);
}

/** IsValidCIDRForLegacyField. */
export function validateLegacyCidr(path: FieldPath, text: string, strict: boolean): FieldError[] {
  const slash = text.indexOf('/');
  const bad = [invalid(path, text, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
  if (slash < 0) return bad;
  const address = parseAddress(text.slice(0, slash), false);
  const bitsText = text.slice(slash + 1);
  if (!address || !/^[0-9]+$/.test(bitsText)) return bad;
  const width = address.bytes.length * 8;
  const bits = Number(bitsText);
  if (bits > width) return bad;
  if (!strict) return [];
  const strictAddress = parseAddress(text.slice(0, slash), true);
  if (!strictAddress || text.slice(0, slash).includes('%') || (bitsText.length > 1 && bitsText.startsWith('0'))) {
    return [invalid(path, text, 'must not have leading 0s in IP or prefix length')];
  }
  if (is4In6(strictAddress)) return [invalid(path, text, 'must not have an IPv4-mapped IPv6 address')];
  for (let bit = bits; bit < width; bit++) {
    if ((strictAddress.bytes[bit >> 3]! >> (7 - (bit & 7))) & 1) return [invalid(path, text, 'must not have bits set beyond the prefix length')];
  }
  return [];
}

/** The address family of a valid CIDR: 4, 6, or undefined. */
export function cidrFamily(text: string): 4 | 6 | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? undefined : parseAddress(text.slice(0, slash), false);
  return address === undefined ? undefined : address.v4 ? 4 : 6;
}
