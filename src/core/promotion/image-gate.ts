import { clipDescription, type GateResult } from './gates.js';

/**
 * The `ladder/image` gate: the image a promotion deploys must be in its
 * registry before the promotion can merge (and so before an agent applies
 * it). Pure: the caller asks the registry and passes what it answered.
 */

/** What the registry said about an image. */
export type ImageLookup =
  | { kind: 'present'; digest: string }
  | { kind: 'absent' }
  /** The registry refused the App's credentials, or has none for it: a person must act. */
  | { kind: 'refused'; reason: string }
  /** No usable answer (unreachable, timed out, 5xx, rate limited, too large): asked again later. */
  | { kind: 'unavailable'; reason: string }
  /** The reference itself cannot be looked up. */
  | { kind: 'invalid'; reason: string };

export const imageContext = 'ladder/image' as const;

export function imageGate(input: { image: string; lookup: ImageLookup; now: Date; recheckMs: number }): GateResult {
  const { image, lookup, now, recheckMs } = input;
  const recheckAt = new Date(now.getTime() + recheckMs);
  // Descriptions name no times, so a recheck that finds nothing new writes no status.
  switch (lookup.kind) {
    case 'present':
      return { context: imageContext, state: 'success', description: clipDescription(`In the registry: ${shorten(image)} (${lookup.digest.slice(0, 19)})`) };
    case 'absent':
      return { context: imageContext, state: 'pending', description: clipDescription(`Waiting for the image to be pushed: ${shorten(image)}`), recheckAt };
    case 'unavailable':
      return { context: imageContext, state: 'pending', description: clipDescription(`Cannot ask the registry yet (${lookup.reason}); asking again`), recheckAt };
    case 'refused':
      // Still re-checked: credentials fixed in the App's Secret take effect without a new event.
      return { context: imageContext, state: 'failure', description: clipDescription(`The registry refused: ${lookup.reason}`), recheckAt };
    case 'invalid':
      return { context: imageContext, state: 'failure', description: clipDescription(`Not an image reference Ladder can look up: ${lookup.reason}`) };
  }
}

/** The repository's last part and the tag or digest: enough to recognise it in 140 characters. */
function shorten(image: string): string {
  if (image.length <= 90) return image;
  const name = image.split('/').at(-1) ?? image;
  return name.length <= 90 ? `…/${name}` : `${name.slice(0, 89)}…`;
}
