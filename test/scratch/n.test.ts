import { it } from 'vitest';
import { encodeGlobalId } from '../../src/schema/global-id.ts';
import { startStack } from '../helpers/stack.ts';

it('n', async () => {
  const s = await startStack();
  const r = await s.query(
    `query($ids: [ID!]!) { node(id: "${encodeGlobalId('Collection', 'BELUGA:21')}") { id } nodes(ids: $ids) { id ... on Collection { name } } }`,
    {
      ids: [
        encodeGlobalId('Collection', 'BELUGA:21'),
        encodeGlobalId('Collection', 'WICKSON:research_papers'),
        encodeGlobalId('Collection', 'WICKSON:research_papers'),
        encodeGlobalId('Project', 'BELUGA:23'),
      ],
    },
  );
  console.log(
    JSON.stringify(r.body.errors),
    s.logs
      .filter((l) => l.includes('"level":50') || l.includes('Unexpected') || l.includes('err'))
      .join('\n')
      .slice(0, 2000),
  );
  await s.close();
});
