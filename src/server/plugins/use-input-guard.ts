/**
 * Client input checked before anything else reads it (MAX_INPUT_DEPTH): the request parsers for
 * GET, JSON and form bodies measure the JSON's nesting before `JSON.parse`, and every request's
 * parameters are then walked without recursion (client-json.ts). Nested deeper than the limit,
 * or carrying a string that is not well-formed Unicode (the document, the operation name, any
 * variable or extension value or key): HTTP 400 `BAD_USER_INPUT`, before parsing, validation or
 * any upstream call. A body that is not JSON at all is a 400 `BAD_REQUEST`, never a 500.
 */
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { type InputProblem, inputProblem, jsonTextDepth } from '../client-json.ts';
import { GraphQLError } from '../graphql.ts';

export const INPUT_MESSAGES: Record<InputProblem, string> = {
  'too-deep': 'The variables or extensions are nested too deeply.',
  malformed: 'The request holds a string that is not well-formed Unicode (a lone surrogate).',
};

const http = { spec: false, status: 400 };

function badInput(problem: InputProblem): GraphQLError {
  return new GraphQLError(INPUT_MESSAGES[problem], {
    extensions: { code: 'BAD_USER_INPUT', http },
  });
}

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http } });
}

/** `limit` arrays and objects deep at most, then `JSON.parse`d; `what` names it in the error. */
function parseJson(text: string, limit: number, what: string): unknown {
  if (jsonTextDepth(text, limit) > limit) throw badInput('too-deep');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest(`${what} sent invalid JSON.`);
  }
}

/** GraphQL over HTTP's GET and form parameters; `variables` and `extensions` are JSON text. */
function paramsOf(search: URLSearchParams, maxDepth: number): GraphQLParams {
  const json = (name: string) => {
    const text = search.get(name);
    return text ? parseJson(text, maxDepth, `The ${name} parameter`) : undefined;
  };
  return {
    operationName: search.get('operationName') || undefined,
    query: search.get('query') || undefined,
    variables: json('variables') as GraphQLParams['variables'],
    extensions: json('extensions') as GraphQLParams['extensions'],
  };
}

/** The body's own object is one level: its variables may nest `maxDepth` below it. */
async function parseJsonBody(request: Request, maxDepth: number): Promise<GraphQLParams> {
  const body = parseJson(await request.text(), maxDepth + 1, 'POST body');
  if (body === null || typeof body !== 'object') {
    throw badRequest(`POST body is expected to be object but received ${typeof body}`);
  }
  return body as GraphQLParams;
}

function contentTypeIs(request: Request, ...types: string[]): boolean {
  const given = request.headers.get('content-type')?.split(',')[0];
  return !!given && types.some((type) => given === type || given.startsWith(`${type};`));
}

type Parser = (request: Request) => Promise<GraphQLParams>;

/** The parser for this request's transport, or undefined to leave yoga's choice alone. */
function parserFor(request: Request, maxDepth: number): Parser | undefined {
  if (request.method === 'GET') {
    return async (req) => {
      const at = req.url.indexOf('?');
      return paramsOf(new URLSearchParams(at < 0 ? '' : req.url.slice(at + 1)), maxDepth);
    };
  }
  if (request.method !== 'POST') return undefined;
  if (contentTypeIs(request, 'application/json', 'application/graphql+json')) {
    return (req) => parseJsonBody(req, maxDepth);
  }
  if (contentTypeIs(request, 'application/x-www-form-urlencoded')) {
    return async (req) => paramsOf(new URLSearchParams(await req.text()), maxDepth);
  }
  return undefined;
}

const malformed = (text: unknown) => typeof text === 'string' && !text.isWellFormed();

/** Goes before useBodyLimit (use-body-limit.ts) in the plugin list: its size limit wraps these parsers. */
export function useInputGuard(maxDepth: number): Plugin {
  return {
    onRequestParse({ request, setRequestParser }) {
      const parser = parserFor(request, maxDepth);
      if (parser) setRequestParser(parser);
    },
    onParams({ params }) {
      const problem =
        malformed(params.query) || malformed(params.operationName)
          ? 'malformed'
          : (inputProblem(params.variables, maxDepth) ?? inputProblem(params.extensions, maxDepth));
      if (problem) throw badInput(problem);
    },
  };
}
