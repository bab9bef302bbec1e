import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bootServer, type TestServer } from '../helpers/server.js';
import { compile, emptyProject, packSdk, runNode, type Packed } from '../helpers/sdk-pack.js';
import { targets } from '../helpers/targets.js';

// The SDK as a partner gets it: `npm pack`, installed offline into an empty project, a
// strict TypeScript script type-checked and run against a live server.

const guard = { timeout: 180_000 };

/** A partner's first script: sign up, write, publish, read back, and see a typed refusal. */
const script = (url: string, handle: string) => `
import { createMarqueeClient, MarqueeError, type ContentKind } from '@marquee/sdk';

const url = ${JSON.stringify(url)};
const anonymous = createMarqueeClient({ url });
const { signUp } = await anonymous.SignUp({
  input: { email: '${handle}@example.com', password: 'a long enough password', handle: '${handle}', displayName: 'Packed' },
});
const api = createMarqueeClient({ url, token: signUp.token });
const kind: ContentKind = 'ARTICLE';
const { createContent } = await api.CreateContent({
  input: { kind, title: 'From the packed SDK', body: 'Installed from a tarball.' },
});
const { publishContent } = await api.PublishContent({ id: createContent.id });
const { content } = await anonymous.Content({ id: publishContent.id });
const title: string | undefined = content?.title;

let refused: string | undefined;
try {
  await anonymous.CreateContent({ input: { kind, title: 'x', body: 'y' } });
} catch (e) {
  if (!(e instanceof MarqueeError)) throw e;
  refused = e.code;
}
let both: string | undefined;
try {
  createMarqueeClient({ url, token: signUp.token, apiKey: 'mq_x' });
} catch (e) {
  if (e instanceof MarqueeError) both = e.reason;
}
console.log(JSON.stringify({ author: content?.author.handle, title, status: content?.status, refused, both }));
await Promise.all([api.close(), anonymous.close()]);
`;

describe('the packed SDK', () => {
  let packed: Packed;
  before(async () => {
    packed = await packSdk();
  }, guard);
  after(() => rmSync(packed.dir, { recursive: true, force: true }));

  it('should pack the built ESM, its declarations and the schema, and no sources', () => {
    for (const file of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/client.d.ts',
      'dist/schema.graphql',
    ]) {
      assert.ok(
        packed.files.includes(file),
        `the tarball lacks ${file}: ${packed.files.join(', ')}`,
      );
    }
    assert.deepEqual(
      packed.files.filter(
        (f) => f.startsWith('src/') || (f.endsWith('.ts') && !f.endsWith('.d.ts')),
      ),
      [],
    );
  });

  for (const target of targets()) {
    describe(target.name, () => {
      let t: TestServer;
      before(async () => {
        t = await bootServer(target, 'sdk-pack');
      });
      after(() => t.close());

      it(
        'should install offline into an empty project, type-check strictly and run against the server',
        guard,
        async () => {
          const app = await emptyProject(packed, target.name.replace(/\W/g, '-'));
          const handle = `packed_${target.name.replace(/\W/g, '_')}`;
          writeFileSync(join(app, 'main.ts'), script(t.server.url, handle));
          await compile(app).catch((e: { stdout?: string }) => {
            assert.fail(`the partner script does not type-check:\n${e.stdout ?? String(e)}`);
          });
          const { stdout } = await runNode(app, join('out', 'main.js'));
          assert.deepEqual(JSON.parse(stdout.trim()), {
            author: handle,
            title: 'From the packed SDK',
            status: 'PUBLISHED',
            refused: 'UNAUTHENTICATED',
            both: 'BOTH_CREDENTIALS',
          });
        },
      );
    });
  }
});
