import type { Finding } from '../../findings.js';
import type { PolicyException } from './types.js';

/**
 * The first exception that turns the finding off: same rule, and either no
 * resource list or one naming the finding's `Kind/name`. Kinds compare without
 * case because people write `deployment/checkout` as kubectl accepts it;
 * names are case-sensitive in Kubernetes, so they compare exactly.
 */
export function findException(finding: Finding, exceptions: readonly PolicyException[]): PolicyException | undefined {
  return exceptions.find((exception) => {
    if (exception.rule !== finding.rule) return false;
    if (exception.resources === undefined) return true;
    return exception.resources.some((resource) => matchesResource(resource, finding));
  });
}

function matchesResource(resource: string, finding: Finding): boolean {
  const slash = resource.indexOf('/');
  if (slash < 0 || finding.kind === undefined || finding.name === undefined) return false;
  return resource.slice(0, slash).toLowerCase() === finding.kind.toLowerCase() && resource.slice(slash + 1) === finding.name;
}
