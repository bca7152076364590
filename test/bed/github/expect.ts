import assert from 'node:assert/strict';

export interface Rejection {
  status: number;
  message: string;
  /** The parsed error body GitHub (or this server) sent. */
  data: Record<string, unknown>;
  headers: Record<string, string | undefined>;
}

/** Awaits an Octokit call that must fail and returns what the client saw. */
export async function rejection(call: Promise<unknown>): Promise<Rejection> {
  try {
    await call;
  } catch (error) {
    const e = error as { status?: number; message?: string; response?: { data?: unknown; headers?: Record<string, string> } };
    if (typeof e.status !== 'number') throw error;
    return {
      status: e.status,
      message: e.message ?? '',
      data: (e.response?.data as Record<string, unknown> | undefined) ?? {},
      headers: e.response?.headers ?? {},
    };
  }
  assert.fail('expected the call to be rejected');
}
