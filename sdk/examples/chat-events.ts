// Follows a conversation. The SDK reconnects by itself (backoff with jitter) and resumes
// after the last message it delivered: nothing lost, nothing twice, even across a server
// restart. A refusal or a close that a retry cannot fix ends the loop with a MarqueeError.
// Run: MARQUEE_API_KEY=mq_… npx tsx chat-events.ts <conversationId>
import { MarqueeError } from '@marquee/sdk';
import { client } from './env.js';

const conversationId = process.argv[2];
if (!conversationId) throw new Error('usage: chat-events.ts <conversationId>');

const api = client();
try {
  for await (const { chatEvents: event } of api.ChatEvents({ conversationId })) {
    if (event.__typename === 'MessagePosted') {
      console.log(`${event.message.author?.handle ?? '?'}: ${event.message.body}`);
    }
  }
} catch (e) {
  if (!(e instanceof MarqueeError)) throw e;
  console.error(`stream ended: ${e.code} ${e.reason ?? ''} (close code ${e.closeCode ?? '-'})`);
} finally {
  await api.close();
}
