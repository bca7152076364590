import type { Obj } from '../access.js';
import type { FieldError } from '../field.js';
import type { PodOptions } from '../pod/options.js';

/** What the API server does to one kind on create: defaulting (and PrepareForCreate), then validation. */
export interface KindRules {
  /** Fills the defaults validation relies on; mutates a copy of the object. */
  prepare(object: Obj, context: RuleContext): void;
  /**
   * The copy `prepare` may mutate, leaving the manifest as written (policy
   * reads it after). Without it, a deep copy. Kinds whose defaulting writes
   * only their own top-level fields copy the top level alone: their data
   * maps and rules are read, never written.
   */
  copy?(object: Obj): Obj;
  validate(object: Obj, context: RuleContext): FieldError[];
  /**
   * What the API server refuses only on clusters set up a certain way (a node
   * port outside the default --service-node-port-range): warnings, since the
   * flags of the user's cluster are unknown offline. Run on valid objects only.
   */
  advise?(object: Obj, context: RuleContext): FieldError[];
  /** true when prepare converts the object to another shape (autoscaling/v1 to v2), so its paths are not the manifest's. */
  reshapes?: boolean;
}

/** For `copy`: the object's own fields, with the nested values shared. */
export function copyTopLevel(object: Obj): Obj {
  return { ...object };
}

export interface RuleContext {
  minor: number;
  pod: PodOptions;
}
