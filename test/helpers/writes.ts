/** What the mutation tests share: global ids, the fakes' member and outsider, the Beluga ledger. */
import { FAKE_MEMBER_TOKEN, FAKE_OUTSIDER_TOKEN } from '../../src/fakes/index.ts';
import type { Stack } from './stack.ts';

export const gid = (text: string) => Buffer.from(text).toString('base64url');
export const member = { authorization: `Token ${FAKE_MEMBER_TOKEN}` };
export const outsider = { authorization: `Token ${FAKE_OUTSIDER_TOKEN}` };

/** Beluga calls as `METHOD route`, in arrival order. */
export const belugaCalls = (stack: Stack) =>
  stack.fakes.beluga.control.ledger.entries().map((e) => `${e.method} ${e.route}`);
