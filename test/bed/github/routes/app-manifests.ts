import { registerApp } from '../apps.js';
import { iso, type RouteSpec } from '../bed.js';
import { generateAppKeys } from '../auth/jwt.js';
import type { Permissions } from '../auth/tokens.js';
import { notFound } from '../http.js';
import { integration } from '../shapes/app.js';
import { slugOf } from '../web.js';
import { ok } from './util.js';

/** A manifest code is good for an hour, once. */
const CODE_LIFETIME_MS = 60 * 60 * 1000;

/**
 * `POST /app-manifests/{code}/conversions`: the last step of the App-manifest
 * flow (web.ts issues the code). Needs no credentials — the code is one —
 * and answers the new App with its `pem`, `webhook_secret`, `client_id` and
 * `client_secret`, once. The App is registered at that moment: its JWTs are
 * accepted from then on, and it can be installed.
 */
export const appManifestRoutes: RouteSpec[] = [
  {
    method: 'POST',
    route: '/app-manifests/{code}/conversions',
    access: { anonymous: true },
    handle: async (ctx) => {
      const { bed } = ctx;
      const code = ctx.params.code ?? '';
      const issued = bed.state.manifestCodes.get(code);
      bed.state.manifestCodes.delete(code);
      if (!issued || bed.now().getTime() - issued.issuedAt > CODE_LIFETIME_MS) throw notFound();
      const { manifest } = issued;
      const name = manifest.name ?? 'app';
      const hookUrl = manifest.hook_attributes?.active === false ? undefined : manifest.hook_attributes?.url;
      const app = registerApp(bed.state, bed.apps, {
        id: bed.state.nextId(),
        slug: slugOf(name),
        name,
        description: manifest.description ?? '',
        owner: issued.owner,
        // A key of its own: each App's JWTs verify against its own key only.
        keys: await generateAppKeys({ fresh: true }),
        ...(hookUrl ? { webhookUrl: hookUrl } : {}),
        events: manifest.default_events ?? [],
        permissions: { metadata: 'read', ...(manifest.default_permissions as Permissions | undefined) },
        externalUrl: manifest.url,
        createdAt: iso(bed.now()),
        ...(manifest.setup_url ? { setupUrl: manifest.setup_url } : {}),
      });
      return ok(
        {
          ...integration(bed, app),
          client_id: app.clientId,
          client_secret: app.clientSecret,
          webhook_secret: app.webhookSecret,
          pem: app.privateKey,
        },
        201,
      );
    },
  },
];
