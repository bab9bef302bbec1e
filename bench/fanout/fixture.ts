import { sdkClient } from '../../test/helpers/sdk.js';

/** What every fan-out case needs on the server: members of one group, one published content. */
export interface Fixture {
  /** One token per member; member 0 owns the group and the content, and sends. */
  tokens: string[];
  conversationId: string;
  contentId: string;
}

/** The largest group the server allows (CHAT_LIMITS.groupMembers). */
export const MEMBERS = 100;
/** Sign-ups hash a password each (argon2): a few at a time keeps the server responsive. */
const SIGNING_UP = 8;

/** Made over HTTP through the SDK, as a partner would. */
export async function createFixture(url: string): Promise<Fixture> {
  const anonymous = sdkClient({ url });
  const tokens: string[] = [];
  const ids: string[] = [];
  for (let first = 0; first < MEMBERS; first += SIGNING_UP) {
    const batch = Array.from(
      { length: Math.min(SIGNING_UP, MEMBERS - first) },
      (_, k) => first + k,
    );
    await Promise.all(
      batch.map(async (i) => {
        const { signUp } = await anonymous.SignUp({
          input: {
            email: `member${i}@fanout.bench`,
            password: 'fan-out benchmark password',
            handle: `member${i}`,
            displayName: `Member ${i}`,
          },
        });
        tokens[i] = signUp.token;
        ids[i] = signUp.user.id;
      }),
    );
  }
  const owner = sdkClient({ url, token: tokens[0] });
  const { startConversation } = await owner.StartConversation({
    memberIds: ids.slice(1),
    title: 'Fan-out',
  });
  const { createContent } = await owner.CreateContent({
    input: { kind: 'ARTICLE', title: 'Fan-out', body: 'Every comment goes to every watcher.' },
  });
  await owner.PublishContent({ id: createContent.id });
  return { tokens, conversationId: startConversation.id, contentId: createContent.id };
}
