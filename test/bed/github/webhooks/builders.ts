import type { Bed } from '../bed.js';
import type { RepoState } from '../state.js';

export type PayloadBuilders = Record<string, never>;

export function buildPayloads(_bed: Bed, _repoOf: (fullName: string) => RepoState): PayloadBuilders {
  return {};
}
