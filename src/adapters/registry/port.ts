import type { ImageReference } from '../../core/images/reference.js';
import type { ImageLookup } from '../../core/promotion/image-gate.js';

export type { ImageLookup } from '../../core/promotion/image-gate.js';

/**
 * What the App needs of container registries: is this image there? Behind
 * it, the OCI distribution API with the registry's own authentication. Only
 * the App holds registry credentials; the agents never ask a registry.
 */
export interface ImageRegistry {
  lookup(image: ImageReference): Promise<ImageLookup>;
}
