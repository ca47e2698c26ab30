/**
 * One line for a failed `listen()` that names the variable to change, for the gateway, the demo
 * and the fakes (a busy port or a host that is not this machine's is the operator's to fix).
 */

interface ListenSettings {
  /** Variable name → the port it set, e.g. { PORT: 4000, BELUGA_FAKE_PORT: 4010 }. */
  ports: Record<string, number>;
  /** The host variable's name and value, e.g. ['HOST', '0.0.0.0']. */
  host: [string, string];
}

const HOST_CODES = new Set(['EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);

/** The message for a listen error, or undefined when the error is something else. */
export function listenErrorMessage(error: unknown, settings: ListenSettings): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, port } = error as Error & { code?: string; port?: number };
  const [hostVar, host] = settings.host;
  const entry = Object.entries(settings.ports).find(([, value]) => value === port);
  const portText = entry ? `${entry[0]}=${entry[1]}` : `port ${port ?? '?'}`;
  const portVar = entry?.[0] ?? Object.keys(settings.ports).join(' or ');
  if (code === 'EADDRINUSE') {
    return `${portText}: the port is already in use on ${host}; stop the process holding it or set ${portVar} to a free port (0 picks one)`;
  }
  if (code === 'EACCES') {
    return `${portText}: not allowed to listen there; set ${portVar} to a port above 1023`;
  }
  if (code !== undefined && HOST_CODES.has(code)) {
    return `${hostVar}=${host} is not an address of this machine; set ${hostVar} to 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one of its addresses`;
  }
  return undefined;
}
