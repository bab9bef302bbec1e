import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DriverException } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import knex from 'knex';
import { isDatabaseUnavailable } from '../../src/infra/db-unavailable.js';

// The errors a query sees when no pooled connection frees up in time, as each layer hands
// them on: knex's own, MikroORM's rewrap of it (which keeps the message, not the name), and
// a GraphQL error around that. All are "unavailable" (503), a bad statement is not.
describe('isDatabaseUnavailable', () => {
  const timeout = new knex.KnexTimeoutError(
    'Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?',
  );

  it("should recognise knex's acquire timeout, as knex throws it and as MikroORM rewraps it", () => {
    assert.equal(isDatabaseUnavailable(timeout), true);
    const wrapped = new DriverException(timeout);
    assert.notEqual(wrapped.name, 'KnexTimeoutError');
    assert.equal(isDatabaseUnavailable(wrapped), true);
    assert.equal(
      isDatabaseUnavailable(new GraphQLError('Database unavailable', { originalError: wrapped })),
      true,
    );
  });

  it('should recognise a statement on a transaction knex ended when its connection died', () => {
    const ended = new DriverException(
      new Error('Transaction query already complete, run with DEBUG=knex:tx for more info'),
    );
    assert.equal(isDatabaseUnavailable(ended), true);
  });

  it('should not take a bad statement for an outage', () => {
    const syntax = new DriverException(
      new Error('select nonsense - syntax error at or near "nonsense"'),
    );
    assert.equal(isDatabaseUnavailable(syntax), false);
  });
});
