/** GitHub-shaped error responses. Handlers throw `ApiError`; the server turns it into the body. */

export const DOCS = 'https://docs.github.com/rest';

export interface ValidationErrorItem {
  resource?: string;
  field?: string;
  code: string;
  message?: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly extra: { errors?: (ValidationErrorItem | string)[]; documentationUrl?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }

  /** GitHub's error body: message, documentation_url and (since 2024) the status as a string. */
  body(): Record<string, unknown> {
    const body: Record<string, unknown> = { message: this.message };
    if (this.extra.errors) body.errors = this.extra.errors;
    body.documentation_url = this.extra.documentationUrl ?? DOCS;
    body.status = String(this.status);
    return body;
  }
}

export function notFound(): ApiError {
  return new ApiError(404, 'Not Found');
}

/** 422 "Validation Failed" with GitHub's `errors` array. */
export function validationFailed(...errors: ValidationErrorItem[]): ApiError {
  return new ApiError(422, 'Validation Failed', { errors });
}

/** 422 with a plain message, as GitHub answers for git data and many custom checks. */
export function unprocessable(message: string): ApiError {
  return new ApiError(422, message);
}

/** 422 with plain-string `errors`, GitHub's "validation failed, simple" form (reviews). */
export function unprocessableSimple(...errors: string[]): ApiError {
  return new ApiError(422, 'Unprocessable Entity', { errors });
}

export function conflict(message: string): ApiError {
  return new ApiError(409, message);
}

export function forbidden(message = 'Resource not accessible by integration'): ApiError {
  return new ApiError(403, message);
}

export function unauthorized(message = 'Bad credentials'): ApiError {
  return new ApiError(401, message);
}

/** Reads a required string field of a JSON body, failing like GitHub's input validation. */
export function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string') {
    throw unprocessable(
      value === undefined
        ? `Invalid request.\n\n"${field}" wasn't supplied.`
        : `Invalid request.\n\nFor 'properties/${field}', ${JSON.stringify(value)} is not a string.`,
    );
  }
  return value;
}

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw unprocessable(`Invalid request.\n\nFor 'properties/${field}', ${JSON.stringify(value)} is not a string.`);
  }
  return value;
}
