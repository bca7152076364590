/** A cause in a Status's details: which field, and why. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The API server's `Status` object, as sent with every failed request. */
export interface KubeStatus {
  kind?: 'Status';
  status?: string;
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

/**
 * A request the API server answered with an error. `message` is the server's
 * own message (it already names the resource, e.g. `deployments.apps "web" not
 * found`); `reason` is its machine-readable reason (`NotFound`, `Conflict`,
 * `Invalid`, …) and `details.causes` lists field-level problems, including the
 * other field managers of an apply conflict.
 */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly reason: string;
  readonly details: StatusDetails | undefined;

  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    body: KubeStatus | string,
  ) {
    const statusBody = typeof body === 'string' ? undefined : body;
    super(statusBody?.message ?? (typeof body === 'string' && body.trim() ? body.trim().slice(0, 500) : `HTTP ${status}`));
    this.reason = statusBody?.reason ?? reasonForCode(status);
    this.details = statusBody?.details;
  }

  get causes(): StatusCause[] {
    return this.details?.causes ?? [];
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 404;
}

export function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 409;
}

function reasonForCode(status: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
    409: 'Conflict', 410: 'Expired', 415: 'UnsupportedMediaType', 422: 'Invalid', 429: 'TooManyRequests',
    500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
  };
  return reasons[status] ?? 'Unknown';
}
