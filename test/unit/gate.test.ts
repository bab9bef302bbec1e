import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Gate } from '../../src/infra/gate.js';

describe('Gate', () => {
  it('should run at most its size at once, the others in arrival order, and pass failures on', async () => {
    const gate = new Gate(2);
    const started: number[] = [];
    const finish: (() => void)[] = [];
    const tasks = [0, 1, 2, 3, 4].map((i) =>
      gate
        .run(async () => {
          started.push(i);
          await new Promise<void>((resolve) => finish.push(resolve));
          if (i === 1) throw new Error('task 1 failed');
          return i;
        })
        .catch((e: Error) => e.message),
    );
    const turn = () => new Promise((r) => setImmediate(r));
    await turn();
    assert.deepEqual(started, [0, 1]);
    assert.deepEqual(gate.load, { running: 2, waiting: 3 });
    finish[1]!(); // the failing one ends first: its slot goes to the first waiting (2)
    await turn();
    assert.deepEqual(started, [0, 1, 2]);
    finish[0]!();
    await turn();
    assert.deepEqual(started, [0, 1, 2, 3]);
    finish[2]!();
    finish[3]!();
    await turn();
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
    finish[4]!();
    assert.deepEqual(await Promise.all(tasks), [0, 'task 1 failed', 2, 3, 4]);
    assert.deepEqual(gate.load, { running: 0, waiting: 0 });
  });
});
