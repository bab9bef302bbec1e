import type { GraphQLSchema } from 'graphql';
import type { ContainerType } from 'type-graphql';

const containers = new WeakMap<GraphQLSchema, ContainerType>();

/** Remembers which container a built schema resolves its resolver classes from. */
export function registerContainer(schema: GraphQLSchema, container: ContainerType): GraphQLSchema {
  containers.set(schema, container);
  return schema;
}

/**
 * The instance of `resolverClass` that serves `schema`. type-graphql hands a Subscription's
 * `subscribe` function no resolver instance, only the schema (in `info`): this is how it
 * reaches the services its resolver was constructed with.
 */
export function resolverFor<R>(
  schema: GraphQLSchema,
  resolverClass: new (...args: never[]) => R,
): R {
  const container = containers.get(schema);
  if (!container) throw new Error('resolverFor: this schema was built without a container');
  return container.get(resolverClass, {} as never) as R;
}
