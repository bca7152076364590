// The agent's sync: apply a manifest commit, keep its inventory, prune, and wait for health.
export { applyCommit, type ApplyInput, type ApplyOptions } from './apply.js';
export type { ApplyOutcome, ObjectAction, ObjectResult } from './outcome.js';
export type { FieldConflict } from '../apply/server-side-apply.js';
export { formatProblem, type ManifestFile, type SetProblem } from './desired.js';
export type { DesiredObject } from './resolve.js';
export { readInventory, readInventoryState, type InventoryEntry, type InventoryState } from './inventory.js';
export { applySetId, inventoryObjectName, INVENTORY_ANNOTATION, PART_OF_LABEL, PRUNE_ANNOTATION, SOURCE_ANNOTATION, FIELD_MANAGER, type InventoryRef } from '../apply/marks.js';
export type { PruneOptions, PruneResult } from './prune.js';
export { waitForHealth, type HealthOptions, type HealthOutcome, type ObjectHealth } from './health/wait.js';
export { healthCheckFor } from './health/checks.js';
export type { HealthState, HealthStatus } from './health/types.js';
