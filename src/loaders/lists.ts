// Stub owned by GRAPH-PAGING: replace with the list loaders (connections).
import type { LoaderDeps, Primers } from './types.ts';

export type ListLoaders = Record<never, never>;

export function createListLoaders(_deps: LoaderDeps, _prime: Primers): ListLoaders {
  return {};
}
