/** HTTP with budgets: every registry answer is bounded in time and size. */

export class BudgetError extends Error {
  override readonly name = 'BudgetError';
}

/** Reads at most `maxBytes` of a body; more is a BudgetError (the rest is not read). */
export async function readLimited(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new BudgetError(`answer of ${declared} bytes, more than the ${maxBytes} allowed`);
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new BudgetError(`answer larger than the ${maxBytes} bytes allowed`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Drops a body unread (so the connection is freed) without waiting on a slow sender. */
export function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

/** What went wrong with a request, in words fit for a status (no URL query, no credentials). */
export function describeFailure(error: unknown): string {
  if (error instanceof BudgetError) return error.message;
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'no answer in time';
  const code = err.cause?.code;
  if (code) return code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' ? 'unknown host' : code;
  return err.message ?? 'request failed';
}

/** The registry answered, but not usefully (a 5xx, a token service without a token): try again later. */
export class UnavailableError extends Error {
  override readonly name = 'UnavailableError';
}
