import { obj, type Obj } from '../access.js';
import { parseQuantity, type Quantity } from '../quantity.js';

/**
 * SetDefaults_ResourceList: every quantity of a resource list is rounded up
 * to thousandths (`0.0001` becomes `1m`), so requests and limits compare as
 * the API server compares them. Values that need no rounding keep their text.
 */
export function roundResourceLists(owner: Obj, paths: readonly (readonly string[])[]): void {
  for (const path of paths) {
    let map: Obj | undefined = owner;
    for (const key of path) map = obj(map?.[key]);
    if (!map) continue;
    for (const name of Object.keys(map)) {
      const q = parseQuantity(map[name]);
      if (!q) continue;
      const rounded = roundedText(q);
      if (rounded !== undefined) map[name] = rounded;
    }
  }
}

/** Parsed quantities are shared per text (quantity.ts), so whether one needs rounding is worked out once. */
const roundings = new WeakMap<Quantity, string | null>();

function roundedText(q: Quantity): string | undefined {
  let rounded = roundings.get(q);
  if (rounded === undefined) {
    const scaled = q.numerator * 1000n;
    // Away from zero, as inf.Dec's RoundUp does.
    rounded = scaled % q.denominator === 0n ? null : `${scaled / q.denominator + (scaled < 0n ? -1n : 1n)}m`;
    roundings.set(q, rounded);
  }
  return rounded ?? undefined;
}
