import { obj, type Obj } from '../access.js';
import { parseQuantity } from '../quantity.js';

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
    for (const [name, value] of Object.entries(map)) {
      const q = parseQuantity(value);
      if (!q) continue;
      const scaled = q.numerator * 1000n;
      if (scaled % q.denominator === 0n) continue;
      // Away from zero, as inf.Dec's RoundUp does.
      const milli = scaled / q.denominator + (scaled < 0n ? -1n : 1n);
      map[name] = `${milli}m`;
    }
  }
}
