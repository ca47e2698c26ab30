/**
 * Capture-set mutations: create, update (PATCH), delete, populate (Antenna's
 * `SourceImageCollectionViewSet`). Each makes one Beluga write; the payload resolves from its
 * answer, and only fields the answer lacks (counts of a new set, anything of the populate job but
 * its id) fetch more.
 */
import type { CaptureSetDto, CaptureSetWrite } from '../loaders/upstream.ts';
import { builder } from './builder.ts';
import { CollectionRef } from './collection.ts';
import { free } from './cost/types.ts';
import { oneWrite } from './cost/writes.ts';
import { CollectionMethod } from './enums.ts';
import { JobPayloadRef } from './job-mutations.ts';
import { BelugaCollectionModel, type CollectionModel } from './models.ts';
import { belugaKey, inputError, performWrite, type WriteResult } from './mutation.ts';
import { toUpstream } from './normalize/enums.ts';
import type { JobPayloadModel, UserErrorModel } from './payload-models.ts';
import { fieldMapper, UserErrorRef } from './user-error.ts';

interface CollectionPayloadModel {
  collection: CollectionModel | null;
  userErrors: UserErrorModel[];
}

export const CollectionPayloadRef = builder
  .objectRef<CollectionPayloadModel>('CollectionPayload')
  .implement({
    description: 'The capture set as Beluga stored it, or why it did not.',
    fields: (t) => ({
      collection: t.field({
        type: CollectionRef,
        nullable: true,
        description: 'The capture set after the write; null when `userErrors` is not empty.',
        // Beluga's answer to a write, whose counts may be null: any count loads its detail once.
        upstreamCalls: {
          weight: 0,
          predict: () => [{ holds: { source: 'BELUGA', payload: 'written' } }],
        },
        resolve: (p) => p.collection,
      }),
      userErrors: t.field({
        type: [UserErrorRef],
        description: 'Input errors; empty when the write was applied.',
        upstreamCalls: free,
        resolve: (p) => p.userErrors,
      }),
    }),
  });

const DeleteCollectionPayloadRef = builder
  .objectRef<{ deletedId: string | null; userErrors: UserErrorModel[] }>('DeleteCollectionPayload')
  .implement({
    description: 'The id of the deleted capture set, or why it was not deleted.',
    fields: (t) => ({
      deletedId: t.id({
        nullable: true,
        description: 'The global id of the deleted set; null when `userErrors` is not empty.',
        upstreamCalls: free,
        resolve: (p) => p.deletedId,
      }),
      userErrors: t.field({
        type: [UserErrorRef],
        description: 'Input errors; empty when the set was deleted.',
        upstreamCalls: free,
        resolve: (p) => p.userErrors,
      }),
    }),
  });

const CreateCollectionInput = builder.inputType('CreateCollectionInput', {
  description: 'A new Beluga capture set. Creating does not populate it: see `populateCollection`.',
  fields: (t) => ({
    projectId: t.int({ required: true, description: 'The Beluga project id.' }),
    name: t.string({
      required: true,
      description: 'At most 255 characters, unique in the project.',
    }),
    method: t.field({ type: CollectionMethod, required: true, description: 'Sampling method.' }),
    methodArguments: t.field({
      type: 'JSON',
      required: false,
      description: 'Sampling arguments (Beluga `kwargs`), e.g. `{"minute_interval": 30}`.',
    }),
    description: t.string({ required: false, description: 'Free text; may be empty.' }),
  }),
});

const UpdateCollectionInput = builder.inputType('UpdateCollectionInput', {
  description: 'Changes to a Beluga capture set; fields left out stay as they are.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'Global id of the capture set.' }),
    name: t.string({ required: false, description: 'New name.' }),
    method: t.field({ type: CollectionMethod, required: false, description: 'New method.' }),
    methodArguments: t.field({
      type: 'JSON',
      required: false,
      description: 'New sampling arguments; replaces the old ones.',
    }),
    description: t.string({ required: false, description: 'New description.' }),
  }),
});

const DeleteCollectionInput = builder.inputType('DeleteCollectionInput', {
  description: 'The capture set to delete.',
  fields: (t) => ({ id: t.id({ required: true, description: 'Global id of the capture set.' }) }),
});

const PopulateCollectionInput = builder.inputType('PopulateCollectionInput', {
  description: 'The capture set to fill with captures.',
  fields: (t) => ({ id: t.id({ required: true, description: 'Global id of the capture set.' }) }),
});

/** Beluga field → input field; `kwargs` keys the caller sent pass through below `methodArguments`. */
const mapSetFields = (methodArguments: unknown) =>
  fieldMapper(
    {
      name: 'name',
      project: 'projectId',
      method: 'method',
      kwargs: 'methodArguments',
      description: 'description',
    },
    { methodArguments },
  );

const NOT_A_SET = 'Not the id of a Beluga capture set.';
const UNSETTABLE = 'UNKNOWN cannot be set.';

/** The body fields both create and update send; only what the input holds. */
function setBody(input: {
  name?: string | null;
  method?: string | null;
  methodArguments?: unknown;
  description?: string | null;
}): CaptureSetWrite {
  const body: CaptureSetWrite = {};
  if (input.name !== undefined) body.name = input.name;
  if (input.method !== undefined)
    body.method = input.method === null ? null : toUpstream(input.method);
  if (input.methodArguments !== undefined) body.kwargs = input.methodArguments;
  if (input.description !== undefined) body.description = input.description;
  return body;
}

function collectionPayload(result: WriteResult<CaptureSetDto>): CollectionPayloadModel {
  if (!result.ok) return { collection: null, userErrors: result.userErrors };
  return { collection: new BelugaCollectionModel(result.value), userErrors: [] };
}

builder.mutationField('createCollection', (t) =>
  t.field({
    type: CollectionPayloadRef,
    description:
      'Creates a Beluga capture set: one POST. Selecting its counts costs one more read.',
    args: { input: t.arg({ type: CreateCollectionInput, required: true }) },
    upstreamCalls: oneWrite('plain'),
    resolve: async (_root, { input }, ctx) => {
      if (input.method === 'UNKNOWN') return collectionPayload(inputError(['method'], UNSETTABLE));
      const result = await performWrite(
        ctx,
        mapSetFields(input.methodArguments),
        (scope) =>
          ctx.clients.beluga.createCaptureSet(
            { ...setBody(input), project: input.projectId },
            scope,
          ),
        (captureSet) => ({ captureSet }),
      );
      return collectionPayload(result);
    },
  }),
);

builder.mutationField('updateCollection', (t) =>
  t.field({
    type: CollectionPayloadRef,
    description: 'Changes a Beluga capture set: one PATCH with the fields given.',
    args: { input: t.arg({ type: UpdateCollectionInput, required: true }) },
    upstreamCalls: oneWrite('plain'),
    resolve: async (_root, { input }, ctx) => {
      const id = belugaKey(input.id, 'Collection');
      if (id === null) return collectionPayload(inputError(['id'], NOT_A_SET));
      if (input.method === 'UNKNOWN') return collectionPayload(inputError(['method'], UNSETTABLE));
      const result = await performWrite(
        ctx,
        mapSetFields(input.methodArguments),
        (scope) => ctx.clients.beluga.updateCaptureSet(id, setBody(input), scope),
        (captureSet) => ({ captureSet }),
      );
      return collectionPayload(result);
    },
  }),
);

builder.mutationField('deleteCollection', (t) =>
  t.field({
    type: DeleteCollectionPayloadRef,
    description: 'Deletes a Beluga capture set: one DELETE. Its jobs stay, without the set.',
    args: { input: t.arg({ type: DeleteCollectionInput, required: true }) },
    upstreamCalls: oneWrite('plain'),
    resolve: async (_root, { input }, ctx) => {
      const id = belugaKey(input.id, 'Collection');
      if (id === null)
        return { deletedId: null, userErrors: [{ field: ['id'], message: NOT_A_SET }] };
      const result = await performWrite(ctx, mapSetFields(undefined), (scope) =>
        ctx.clients.beluga.deleteCaptureSet(id, scope),
      );
      return result.ok
        ? { deletedId: String(input.id), userErrors: [] }
        : { deletedId: null, userErrors: result.userErrors };
    },
  }),
);

builder.mutationField('populateCollection', (t) =>
  t.field({
    type: JobPayloadRef,
    description:
      'Starts filling a Beluga capture set: one POST, answering the populate job it queued. Job fields other than its id cost one read.',
    args: { input: t.arg({ type: PopulateCollectionInput, required: true }) },
    upstreamCalls: oneWrite('populate'),
    resolve: async (_root, { input }, ctx): Promise<JobPayloadModel> => {
      const id = belugaKey(input.id, 'Collection');
      if (id === null) return { job: null, userErrors: [{ field: ['id'], message: NOT_A_SET }] };
      const result = await performWrite(ctx, mapSetFields(undefined), (scope) =>
        ctx.clients.beluga.populateCaptureSet(id, scope),
      );
      return result.ok
        ? { job: null, jobId: result.value.job_id, userErrors: [] }
        : { job: null, userErrors: result.userErrors };
    },
  }),
);
