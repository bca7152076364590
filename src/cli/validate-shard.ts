import { readManifestFiles } from '../adapters/fs/read-manifests.js';
import { loadSchemaBundle } from '../adapters/fs/schema-bundle.js';
import { validatorCodeStore } from '../adapters/fs/validator-cache.js';
import type { ManifestDocument, Position } from '../core/manifests/document.js';
import { checkShard, identityEntries, type IdentityEntry, type ShardReport, type ValidateDocumentsOptions } from '../core/validate/run.js';
import { createSchemaValidator } from '../core/validate/schema/index.js';
import { traceTiming } from './trace-timing.js';

/**
 * One part of a manifest set, checked by one thread of `ladder validate`
 * (validate-shards.ts). Everything that crosses threads here is plain data.
 */
export interface ShardSettings {
  kubernetesVersion: string | undefined;
  unknownKinds: 'error' | 'warning' | 'ignore';
  policy: Omit<ValidateDocumentsOptions, 'parseFindings' | 'schema' | 'sourceMaps'>;
  /** The compiled-validator cache (validator-cache.ts); none when caching is off. */
  cacheDir: string | undefined;
}

/** A document other shards need to know: a CRD (its kinds) or an autoscaler (what it scales). */
export interface ContextDocument {
  file: string;
  index: number;
  start: Position;
  object: Record<string, unknown>;
}

/** What a shard tells the others after reading its files. */
export interface ShardSummary {
  files: string[];
  identities: IdentityEntry[];
  context: ContextDocument[];
  kubernetesVersion: string;
}

export interface OpenShard {
  summary: ShardSummary;
  /** Checks the shard's documents, knowing the context documents of every other shard. */
  check(context: readonly ContextDocument[]): ShardReport;
  /** Where the name of each document is written (by its index in `summary.identities`' `document`): asked only for duplicates. */
  namePositions(documents: readonly number[]): Position[];
}

export async function openShard(files: readonly string[], settings: ShardSettings): Promise<OpenShard> {
  traceTiming(`shard: reading ${files.length} files`);
  const read = await readManifestFiles(files);
  traceTiming('shard: files read and parsed');
  const bundle = await loadSchemaBundle(settings.kubernetesVersion);
  traceTiming('shard: bundle loaded');
  const schema = createSchemaValidator(bundle, {
    unknownKinds: settings.unknownKinds,
    ...(settings.cacheDir ? { codeStore: validatorCodeStore(settings.cacheDir) } : {}),
  });
  traceTiming('shard: schema validator created');
  return {
    summary: {
      files: read.files,
      identities: identityEntries(read.documents),
      context: read.documents.filter(isContext).map(({ file, index, start, object }) => ({ file, index, start, object })),
      kubernetesVersion: schema.kubernetesVersion,
    },
    check(context) {
      traceTiming('shard: check starts');
      const known: ManifestDocument[] = context.map((doc) => ({ ...doc, positionOf: () => doc.start }));
      const report = checkShard(read.documents, { ...settings.policy, parseFindings: read.findings, schema, context: known });
      traceTiming('shard: check done');
      return report;
    },
    namePositions(documents) {
      return documents.map((document) => read.documents[document]!.positionOf(['metadata', 'name']));
    },
  };
}

function isContext(document: ManifestDocument): boolean {
  const { kind, apiVersion } = document.object;
  return (kind === 'CustomResourceDefinition' && typeof apiVersion === 'string' && apiVersion.startsWith('apiextensions.k8s.io/')) || kind === 'HorizontalPodAutoscaler';
}
