export { compareWithSnapshot, type CompareOptions, type DriftResult, type FieldDrift } from './compare.js';
export { formatDriftPath } from './format-path.js';
export { parseFieldSet, containsPath, canonicalJson, type FieldTree, type PathElement } from './field-set.js';
export { appliedBetween, appliedFieldSet, ladderManager, managedFieldsOf, type FieldWriter, type ManagedFieldsEntry } from './managed-fields.js';
