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

/**
 * A short description of a failed GitHub call for logs, check runs and alerts:
 * the status and GitHub's message, or, when GitHub never answered, the
 * network error's code. Never the request headers (tokens).
 */
export function describeGitHubError(error: unknown): string {
  const status = statusOf(error);
  const request = (error as { request?: { method?: string; url?: string } } | undefined)?.request;
  const where = request?.method && request.url ? `${request.method} ${new URL(request.url, 'https://api.github.com').pathname}` : undefined;
  const message = (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '';
  // Octokit reports a request that got no answer as status 500 without a response; the code is in the cause chain.
  if (request && !(error as { response?: unknown }).response) {
    return `no answer from GitHub${where ? ` to ${where}` : ''} (network error: ${networkCode(error) ?? message})`;
  }
  return [status ? `GitHub answered ${status}` : undefined, where ? `to ${where}` : undefined, message ? `: ${message}` : undefined]
    .filter(Boolean)
    .join(' ')
    .replace(' :', ':');
}

function networkCode(error: unknown): string | undefined {
  for (let cause = (error as { cause?: unknown }).cause; cause; cause = (cause as { cause?: unknown }).cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if ((cause as { name?: unknown }).name === 'TimeoutError') return 'timed out';
  }
  return undefined;
}
