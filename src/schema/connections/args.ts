import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page-args.ts';

/** Relay forward-paging argument descriptions (shared by every connection field). */
export const forwardArgDocs = {
  first: `How many items to return from the start (or after \`after\`), 0–${MAX_PAGE_SIZE}. Default ${DEFAULT_PAGE_SIZE} when neither \`first\` nor \`last\` is given.`,
  after: 'Return items after this cursor (an `edges.cursor` or `pageInfo.endCursor` of this list).',
} as const;

/** Relay backward-paging argument descriptions. */
export const backwardArgDocs = {
  last: `How many items to return from the end (or before \`before\`), 0–${MAX_PAGE_SIZE}; not together with \`first\`.`,
  before:
    'Return items before this cursor (an `edges.cursor` or `pageInfo.startCursor` of this list).',
} as const;
