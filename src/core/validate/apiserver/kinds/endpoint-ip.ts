import { ipAddressBytes as ipBytes } from '../ip.js';

/** ValidateEndpointIP's address classes (Go's net.IP methods), for Service externalIPs. */
export function endpointIpErrors(text: string): string[] {
  const bytes = ipBytes(text);
  if (!bytes) return ['must be a valid IP address'];
  const errors: string[] = [];
  const v4 = bytes.length === 4 ? bytes : bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff ? bytes.slice(12) : undefined;
  if (v4) {
    if (v4.every((b) => b === 0)) errors.push(`may not be unspecified (${text})`);
    if (v4[0] === 127) errors.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
    if (v4[0] === 169 && v4[1] === 254) errors.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
    if (v4[0] === 224 && v4[1] === 0 && v4[2] === 0) errors.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
    return errors;
  }
  if (bytes.every((b) => b === 0)) errors.push(`may not be unspecified (${text})`);
  if (bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1) errors.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
  if (bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0x80) errors.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
  if (bytes[0] === 0xff && (bytes[1]! & 0x0f) === 0x02) errors.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
  return errors;
}
