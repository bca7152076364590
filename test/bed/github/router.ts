/**
 * Route templates exactly as GitHub's OpenAPI description spells them
 * (`/repos/{owner}/{repo}/git/refs/{ref}`), so the request log and the
 * contract checker speak the same names as GitHub's documentation.
 */

// These parameters may carry slashes (refs, file paths, `base...head`); octokit
// percent-encodes them but other clients send them raw, and GitHub takes both.
const MULTI_SEGMENT = new Set(['ref', 'path', 'basehead', 'branch']);

export interface RouteMatch<T> {
  route: string;
  params: Record<string, string>;
  value: T;
}

interface CompiledRoute<T> {
  method: string;
  route: string;
  regex: RegExp;
  names: string[];
  /** More literal text wins: `/commits/{ref}/status` beats `/commits/{ref}` for `/commits/x/status`. */
  specificity: number;
  value: T;
}

export class Router<T> {
  private readonly routes: CompiledRoute<T>[] = [];

  add(method: string, route: string, value: T): void {
    const names: string[] = [];
    // A trailing `/{path}` may be empty and lose its slash: octokit asks for the
    // repository root as `/contents`, which GitHub answers like `/contents/`.
    const pattern = route.replace(/(\/?)\{([^}]+)\}/g, (_, slash: string, name: string) => {
      names.push(name);
      if (name === 'path') return `(?:${slash}(.*))?`;
      return `${slash}${MULTI_SEGMENT.has(name) ? '(.+)' : '([^/]+)'}`;
    });
    const specificity = route.replace(/\{[^}]+\}/g, '').length;
    if (this.routes.some((r) => r.method === method && r.route === route)) {
      throw new Error(`route registered twice: ${method} ${route}`);
    }
    this.routes.push({ method, route, regex: new RegExp(`^${pattern}$`), names, specificity, value });
  }

  /** The most specific route for a raw (still percent-encoded) path, with decoded parameters. */
  match(method: string, rawPath: string): RouteMatch<T> | undefined {
    let best: { compiled: CompiledRoute<T>; groups: string[] } | undefined;
    for (const compiled of this.routes) {
      if (compiled.method !== method) continue;
      const found = compiled.regex.exec(rawPath);
      if (!found) continue;
      if (!best || compiled.specificity > best.compiled.specificity) {
        best = { compiled, groups: found.slice(1) };
      }
    }
    if (!best) return undefined;
    const params: Record<string, string> = {};
    best.compiled.names.forEach((name, i) => {
      params[name] = decodeParam(best.groups[i] ?? '');
    });
    return { route: best.compiled.route, params, value: best.compiled.value };
  }

  list(): { method: string; route: string }[] {
    return this.routes.map(({ method, route }) => ({ method, route }));
  }
}

function decodeParam(raw: string): string {
  try {
    return raw.split('/').map(decodeURIComponent).join('/');
  } catch {
    return raw;
  }
}
