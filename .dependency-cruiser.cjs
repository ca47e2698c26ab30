/**
 * The import rules of src/ (README "Layout"): config → upstreams → loaders → schema → server, each
 * layer importing only downwards, no import cycle, the fakes on their own. test/layers.test.ts
 * runs them (`npx depcruise src` prints the same). Type-only imports count: a type is a dependency.
 */
const graphqlPackages =
  '^node_modules/(graphql|graphql-[^/]+|@graphql-[^/]+/[^/]+|@pothos/[^/]+|@apollo/[^/]+)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycle, within a folder or across folders.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'schema-not-upstreams',
      comment: 'The schema talks to loaders and the request context only (src/loaders, src/context.ts).',
      severity: 'error',
      from: { path: '^src/schema/' },
      to: { path: '^src/upstreams/' },
    },
    {
      name: 'schema-not-server',
      comment: 'The server composes the schema, never the other way round.',
      severity: 'error',
      from: { path: '^src/schema/' },
      to: { path: '^src/server/' },
    },
    {
      name: 'data-layers-not-graphql',
      comment: 'src/upstreams and src/loaders know no GraphQL: not the schema, the server, graphql or Pothos.',
      severity: 'error',
      from: { path: '^src/(upstreams|loaders)/' },
      to: { path: ['^src/(schema|server)/', graphqlPackages] },
    },
    {
      name: 'upstreams-at-the-bottom',
      comment: 'src/upstreams knows nothing of the loaders or the request context built on it.',
      severity: 'error',
      from: { path: '^src/upstreams/' },
      to: { path: '^src/(loaders/|context[.]ts$)' },
    },
    {
      name: 'context-below-schema',
      comment: 'The request context (src/context.ts) knows nothing of the schema or the server.',
      severity: 'error',
      from: { path: '^src/context[.]ts$' },
      to: { path: '^src/(schema|server)/' },
    },
    {
      name: 'fakes-stand-alone',
      comment: 'The fake upstreams import nothing of the gateway but src/config.ts and src/listen-errors.ts.',
      severity: 'error',
      from: { path: '^src/fakes/' },
      to: { path: '^src/', pathNot: ['^src/fakes/', '^src/config[.]ts$', '^src/listen-errors[.]ts$'] },
    },
    {
      name: 'config-at-the-bottom',
      comment: 'src/config.ts imports nothing from src.',
      severity: 'error',
      from: { path: '^src/config[.]ts$' },
      to: { path: '^src/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: '^node_modules/' },
  },
};
