import { Kind, type DocumentNode } from 'graphql';
import * as sdk from '../../sdk/src/generated.js';

// The parenthesised labels cannot clash with an operation's: GraphQL names are [_A-Za-z]\w*.
/** Label of an operation that did not parse or validate (its name is the client's word only). */
export const INVALID = '(invalid)';
/** Label of a valid operation without a name. */
export const ANONYMOUS = '(anonymous)';
/** Label of every valid name past the cap (and of names too long to be a label). */
export const OTHER = '(other)';
const MAX_NAME_LENGTH = 100;

/** The names of every operation the SDK publishes (schema/operations). */
function sdkOperationNames(): string[] {
  return Object.values(sdk).flatMap((value) => {
    const doc = value as Partial<DocumentNode> | undefined;
    if (doc?.kind !== Kind.DOCUMENT) return [];
    return (doc.definitions ?? []).flatMap((d) =>
      d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : [],
    );
  });
}

/**
 * Turns operation names into metric labels of bounded number. Only names of operations that
 * parsed and validated become labels: the SDK's always, any other on first sight until
 * `max` of them are held, then `(other)`. A client inventing names can fill those `max`
 * slots, but never takes away the SDK operations' own labels.
 */
export class OperationNames {
  private readonly known = new Set(sdkOperationNames());
  private readonly seen = new Set<string>();

  constructor(private readonly max: number) {}

  /** The label for an operation: `validated` says whether `name` is a real operation's. */
  label(name: string | null | undefined, validated: boolean): string {
    if (!validated) return INVALID;
    if (!name) return ANONYMOUS;
    if (this.known.has(name) || this.seen.has(name)) return name;
    if (this.seen.size >= this.max || name.length > MAX_NAME_LENGTH) return OTHER;
    this.seen.add(name);
    return name;
  }
}

/** An operation name as logged: the client's own, cut to a bounded length. */
export function loggedName(name: string | null | undefined): string | null {
  if (!name) return null;
  return name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH)}…` : name;
}
