import { KubeApiError } from '../../src/adapters/kube/client.js';

/** The HTTP status a Kubernetes request ends with: 200 when it succeeds, the API server's status when it refuses. */
export async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    if (error instanceof KubeApiError) return error.status;
    throw error;
  }
}
