import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { buildSchema, findBreakingChanges } from 'graphql';
import { buildBareSchema } from '../../src/schema.js';

const contractDir = resolve(process.cwd(), process.env.CONTRACT_DIR ?? '../shared/contract');
const ci = process.env.CI === 'true';

// 20-chat.graphql joins schema.test.ts's implemented parts with the chat subscriptions;
// until then this pins down that everything else of it is already served as the contract says.
describe('chat contract', () => {
  it('should match 20-chat.graphql except for the subscriptions still to come', async (t) => {
    if (!existsSync(join(contractDir, '20-chat.graphql'))) {
      const notice = `contract folder ${contractDir} not found (set CONTRACT_DIR)`;
      assert.ok(!ci, `${notice}: CI=true requires it`);
      t.skip(notice);
      return;
    }
    const sdl = ['10-base.graphql', '20-chat.graphql']
      .map((part) => readFileSync(join(contractDir, part), 'utf8'))
      .join('\n');
    const changes = findBreakingChanges(buildSchema(sdl), await buildBareSchema());
    assert.deepEqual(
      changes.map((c) => c.description),
      ['Subscription.chatEvents was removed.', 'Subscription.inboxEvents was removed.'],
    );
  });
});
