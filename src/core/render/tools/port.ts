import type { PinnedChart } from '../../services/effective.js';

/**
 * The port to the external renderers (Helm, Kustomize). They are programs, so
 * they run in an adapter (src/adapters/render-tools); the core builds their
 * input from the config and takes their output back through the same
 * normalisation, validation and budgets as Handlebars output.
 */

/** One file of a chart or of a kustomize tree, as committed. `path` is relative to the tree's root, with `/`. */
export interface SourceFile {
  path: string;
  content: Uint8Array;
}

/** A directory of the code repository, read whole: the chart, or the kustomize root. */
export interface SourceTree {
  /** How errors name the directory: its path in the code repository, e.g. `deploy/chart`. */
  root: string;
  files: readonly SourceFile[];
}

export interface HelmJob {
  chart: SourceTree;
  releaseName: string;
  namespace: string;
  /** The environment's values with the commit's image set; passed as one values file. */
  values: Record<string, unknown>;
}

export interface KustomizeJob {
  tree: SourceTree;
  /** The environment's overlay, relative to `tree.root`. */
  overlay: string;
  /** The commit's image, set through kustomize's own `images:` transformer. */
  image: { name: string; newTag: string; digest?: string };
}

/** What a tool printed: a multi-document YAML stream. */
export interface ToolOutput {
  stdout: string;
}

/** Runs the tools. Implementations bound their time and output, and throw LadderInputError naming the file (and line) a failure came from. */
export interface ManifestTools {
  helmTemplate(job: HelmJob): Promise<ToolOutput>;
  kustomizeBuild(job: KustomizeJob): Promise<ToolOutput>;
}

/**
 * Fetches a chart the manifest repository pins (`.ladder/services.yml`'s
 * render.helm.chart) from that source only, verifies it against the pinned
 * digest and returns its files for `helmTemplate`. A chart that does not
 * match, or breaks a budget, is a LadderInputError at the services file's key;
 * an unreachable source is a plain Error (the promotion is retried).
 */
export interface ChartFetcher {
  fetch(chart: PinnedChart): Promise<SourceTree>;
}
