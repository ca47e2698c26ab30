/**
 * A per-request child logger made on first use. pino's `child()` runs the redaction over the
 * bindings on every call, and most requests never log through their context logger (warnings
 * only), so building one per request was a measurable share of the gateway's CPU.
 */
import type { Logger } from 'pino';

const LEVEL_METHODS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
const noop = () => {};

export function lazyChild(parent: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const real = (): Logger => {
    child ??= parent.child(bindings);
    return child;
  };
  return new Proxy(parent, {
    get(_target, prop) {
      // A call at a level the logger filters out writes nothing: no child needed for it.
      if (!child && typeof prop === 'string' && LEVEL_METHODS.has(prop)) {
        if (!parent.isLevelEnabled(prop)) return noop;
      }
      const target = child ?? (prop === 'isLevelEnabled' || prop === 'level' ? parent : real());
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set(_target, prop, value) {
      return Reflect.set(real(), prop, value);
    },
  });
}
