/** Tiny GET helper over real sockets for the fakes' tests. */
import { request } from 'undici';

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON bodies are probed field by field in tests.
export type Json = any;

export interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: Json;
}

export async function get(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Reply> {
  const res = await request(url, { method: method as 'GET', headers });
  const text = await res.body.text();
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = String(v);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: flat, text, json };
}

export const token = (key: string) => ({ authorization: `Token ${key}` });

/** A write with a JSON body (or none) over real sockets. */
export async function send(
  url: string,
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await request(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.body.text();
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = String(v);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: flat, text, json };
}
