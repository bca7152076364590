import type { ImageRegistry } from '../../adapters/registry/port.js';
import { parseImageReference } from '../../core/images/reference.js';
import { imageGate, type ImageLookup } from '../../core/promotion/image-gate.js';
import type { GateResult } from '../../core/promotion/gates.js';

/** Asks the registry for the promotion's image and turns the answer into the `ladder/image` status. */
export async function evaluateImageGate(registry: ImageRegistry, image: string, now: Date, recheckMs: number): Promise<GateResult> {
  const reference = parseImageReference(image);
  const lookup: ImageLookup = typeof reference === 'string' ? { kind: 'invalid', reason: reference } : await registry.lookup(reference);
  return imageGate({ image, lookup, now, recheckMs });
}
