/**
 * Branch names Ladder writes in a manifest repository. One branch per
 * (service, environment) is what keeps one open promotion PR per pair.
 */
export function promotionBranch(service: string, environment: string): string {
  return `ladder/${service}/${environment}`;
}

export function rollbackBranch(service: string, environment: string): string {
  return `${promotionBranch(service, environment)}-rollback`;
}

/** `ladder/<service>/<env>` → its parts; undefined for any other branch (rollback branches included). */
export function parsePromotionBranch(branch: string): { service: string; environment: string } | undefined {
  const match = /^ladder\/([^/]+)\/([^/]+)$/.exec(branch);
  if (!match || match[2]!.endsWith('-rollback')) return undefined;
  return { service: match[1]!, environment: match[2]! };
}
