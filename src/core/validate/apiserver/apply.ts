import { formatFieldError, forbidden, invalid, type FieldError } from './field.js';
import type { ServerRefusal } from './index.js';

/**
 * What server-side apply (the agent, `kubectl apply --server-side`) refuses in
 * the metadata of any kind, before validation: fields the API server owns.
 * Found by the differential run against kube-apiserver 1.36.3.
 */
export function applyRefusals(object: Record<string, unknown>): ServerRefusal[] {
  const metadata = object['metadata'];
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return [];
  const meta = metadata as Record<string, unknown>;
  const refusals: ServerRefusal[] = [];
  const add = (error: FieldError, severity: ServerRefusal['severity'], hint: string) =>
    refusals.push({ error, severity, message: formatFieldError(error), hint, location: error.path });

  const uid = meta['uid'];
  if (typeof uid === 'string' && uid !== '') {
    add(invalid(['metadata', 'uid'], uid, 'the API server sets uid: applied where no object has this uid (a new cluster, a new environment), the apply fails with 409 "uid mismatch"'), 'error',
      'Remove metadata.uid (and the other fields the server sets, such as resourceVersion and creationTimestamp) from the manifest.');
  }
  const version = meta['resourceVersion'];
  if (typeof version === 'string' && version !== '') {
    if (!/^\d+$/.test(version) || BigInt(version) > 18446744073709551615n) {
      add(invalid(['metadata', 'resourceVersion'], version, 'the API server cannot parse it as a resource version (an unsigned integer), and fails the request'), 'error', 'Remove metadata.resourceVersion from the manifest.');
    } else {
      add(invalid(['metadata', 'resourceVersion'], version, 'an apply with a resourceVersion fails with 409 Conflict as soon as the live object has changed since'), 'warning', 'Remove metadata.resourceVersion from the manifest: server-side apply does not need it.');
    }
  }
  const managed = meta['managedFields'];
  if (Array.isArray(managed) && managed.length > 0) {
    add(forbidden(['metadata', 'managedFields'], 'must be nil in an apply request (the API server records who manages which field)'), 'error', 'Remove metadata.managedFields from the manifest.');
  }
  return refusals;
}
