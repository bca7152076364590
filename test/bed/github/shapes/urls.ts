/**
 * URL building in one place. API URLs live under the server's base URL like
 * api.github.com; "HTML" URLs use the same host at the root like GitHub
 * Enterprise Server does, so every `*_url` a client follows reaches this server.
 */
export class Urls {
  constructor(readonly base: string) {}

  api(path: string): string {
    return `${this.base}${path}`;
  }

  html(path: string): string {
    return `${this.base}${path.startsWith('/') ? '' : '/'}${path}`;
  }

  repo(fullName: string, path = ''): string {
    return this.api(`/repos/${fullName}${path}`);
  }

  repoHtml(fullName: string, path = ''): string {
    return this.html(`/${fullName}${path}`);
  }
}

/** Global node ids look like GitHub's (`PR_kwDO…`): a type prefix and an opaque part. */
export function nodeId(prefix: string, id: number | string): string {
  return `${prefix}_${Buffer.from(`${prefix}:${id}`).toString('base64url')}`;
}
