/** The HTTP status of an Octokit RequestError, or undefined for anything else. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/** A 422 whose message contains `text` (GitHub's validation failures: "Reference already exists", …). */
export function isUnprocessable(error: unknown, text?: RegExp): boolean {
  if (statusOf(error) !== 422) return false;
  if (!text) return true;
  return text.test(errorMessage(error));
}

/** The message GitHub gave, with the `errors[].message` details it sometimes puts there instead. */
export function errorMessage(error: unknown): string {
  const response = (error as { response?: { data?: { message?: string; errors?: { message?: string }[] } } }).response;
  const parts = [error instanceof Error ? error.message : String(error), response?.data?.message ?? ''];
  for (const detail of response?.data?.errors ?? []) if (detail.message) parts.push(detail.message);
  return parts.join(' ');
}

/** A short description of a failed GitHub call for logs and check runs: never the request headers (tokens). */
export function describeGitHubError(error: unknown): string {
  const status = statusOf(error);
  const request = (error as { request?: { method?: string; url?: string } }).request;
  const where = request?.method && request.url ? `${request.method} ${new URL(request.url, 'https://api.github.com').pathname}` : undefined;
  const message = (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '';
  return [status ? `GitHub answered ${status}` : undefined, where ? `to ${where}` : undefined, message ? `: ${message}` : undefined]
    .filter(Boolean)
    .join(' ')
    .replace(' :', ':');
}
