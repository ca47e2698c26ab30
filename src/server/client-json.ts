/**
 * Client JSON (a request's variables and extensions) walked without recursion, so no input
 * reaches a stack overflow: `walkJson` keeps its own stack, and `jsonTextDepth` measures the
 * nesting of JSON text before `JSON.parse` spends CPU on it (a megabyte of `[` takes V8's parser
 * ~100–300 ms, the scan ~3 ms).
 */

/** A JSON value with its depth: the root is 1 when it is an array or object, 0 otherwise. */
export type JsonVisitor = (value: unknown, depth: number, key: string | undefined) => boolean;

/**
 * Visits every value (and, for object members, its key) depth-first with an explicit stack.
 * The visitor returns false to stop the walk; `walkJson` then returns false too.
 */
export function walkJson(root: unknown, visit: JsonVisitor): boolean {
  const values: unknown[] = [root];
  const depths: number[] = [0];
  const keys: (string | undefined)[] = [undefined];
  while (values.length > 0) {
    const value = values.pop();
    const parentDepth = depths.pop() as number;
    const key = keys.pop();
    const container = value !== null && typeof value === 'object';
    const depth = container ? parentDepth + 1 : parentDepth;
    if (!visit(value, depth, key)) return false;
    if (Array.isArray(value)) {
      for (const item of value) {
        values.push(item);
        depths.push(depth);
        keys.push(undefined);
      }
    } else if (container) {
      for (const [name, item] of Object.entries(value)) {
        values.push(item);
        depths.push(depth);
        keys.push(name);
      }
    }
  }
  return true;
}

export type InputProblem = 'too-deep' | 'malformed';

/**
 * The first thing wrong with a piece of client JSON: nested deeper than `maxDepth` arrays and
 * objects (the value itself counting as one), or a string or object key that is not well-formed
 * Unicode (a lone UTF-16 surrogate, which no upstream could store or answer for).
 */
export function inputProblem(value: unknown, maxDepth: number): InputProblem | undefined {
  let problem: InputProblem | undefined;
  walkJson(value, (item, depth, key) => {
    if (depth > maxDepth) problem = 'too-deep';
    else if (key !== undefined && !key.isWellFormed()) problem = 'malformed';
    else if (typeof item === 'string' && !item.isWellFormed()) problem = 'malformed';
    return problem === undefined;
  });
  return problem;
}

const OPEN_LIST = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_LIST = 0x5d;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The deepest `[`/`{` nesting of JSON text (brackets inside strings do not count); stops at
 * `limit + 1`, so the scan of a hostile body ends as soon as it is known to be too deep.
 * Malformed text is measured as far as it goes: `JSON.parse` refuses it afterwards. A string is
 * skipped with `indexOf` (the document of a request is most of its body), not char by char.
 */
export function jsonTextDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = closingQuote(text, i);
    } else if (c === OPEN_LIST || c === OPEN_OBJECT) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === CLOSE_LIST || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return deepest;
}

/**
 * Where the string opened at `open` ends: the next quote after an even run of backslashes; the
 * text's length when it never ends.
 */
function closingQuote(text: string, open: number): number {
  let at = text.indexOf('"', open + 1);
  while (at >= 0) {
    let slashes = 0;
    while (text.charCodeAt(at - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return at;
    at = text.indexOf('"', at + 1);
  }
  return text.length;
}
