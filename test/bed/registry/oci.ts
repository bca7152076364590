// Builds small but real OCI images: an image manifest whose config and layer
// blobs exist and whose digests are the sha256 of the exact bytes served, so a
// client that verifies content (as the OCI distribution spec asks) succeeds.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export const MEDIA_TYPE = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  helmConfig: 'application/vnd.cncf.helm.config.v1+json',
  helmChart: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
} as const;

/** Repository names and tags as the OCI distribution spec defines them. */
export const NAME_PATTERN = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;
export const TAG_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

export interface Blob {
  mediaType: string;
  digest: string;
  bytes: Buffer;
}

export interface BuiltImage {
  digest: string;
  manifest: Buffer;
  blobs: Blob[];
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * `revision` goes into the config's labels, so pushing the same tag twice with
 * different revisions yields two digests: the way a mutable tag moves.
 */
export function buildImage(name: string, tag: string, revision: string): BuiltImage {
  // An empty tar archive is two 512-byte zero blocks; gzip from node:zlib
  // writes mtime 0, so the layer bytes are the same on every run.
  const tar = Buffer.alloc(1024);
  const layer = blob(MEDIA_TYPE.layer, gzipSync(tar));
  const config = blob(
    MEDIA_TYPE.config,
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Labels: { 'org.opencontainers.image.title': name, 'org.opencontainers.image.version': tag, 'org.opencontainers.image.revision': revision } },
        rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
      }),
    ),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPE.manifest,
      config: describe(config),
      layers: [describe(layer)],
    }),
  );
  return { digest: sha256(manifest), manifest, blobs: [config, layer] };
}

/** A Helm chart as `helm push` stores it: an OCI manifest with the chart's metadata as config and the `.tgz` as its one layer. */
export function buildChart(archive: Buffer, meta: { name: string; version: string }): BuiltImage {
  const config = blob(MEDIA_TYPE.helmConfig, Buffer.from(JSON.stringify({ name: meta.name, version: meta.version, apiVersion: 'v2' })));
  const layer = blob(MEDIA_TYPE.helmChart, archive);
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE.manifest, config: describe(config), layers: [describe(layer)] }));
  return { digest: sha256(manifest), manifest, blobs: [config, layer] };
}

function blob(mediaType: string, bytes: Buffer): Blob {
  return { mediaType, digest: sha256(bytes), bytes };
}

function describe(target: Blob): { mediaType: string; digest: string; size: number } {
  return { mediaType: target.mediaType, digest: target.digest, size: target.bytes.length };
}
