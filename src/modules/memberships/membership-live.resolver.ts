import { Resolver, Root, Subscription } from 'type-graphql';
import { signedIn } from '../../context.js';
import { live, subscribeThrough } from '../../live.js';
import type { PubSub } from '../../infra/pubsub.js';
import { Membership } from './membership.entity.js';
import { membershipFromSnapshot } from './memberships.events.js';
import { MEMBERSHIP_CHANGED } from './memberships.topics.js';

@Resolver()
export class MembershipLiveResolver {
  constructor(readonly pubsub: PubSub) {}

  @Subscription(() => Membership, {
    description:
      "The viewer's own memberships, whenever one changes status (for example when payment is confirmed).",
    subscribe: subscribeThrough(MembershipLiveResolver, async (r, _args, ctx) => {
      // Signed in at subscribe time (UNAUTHENTICATED otherwise): the rule runs per event.
      const viewer = signedIn(ctx).viewer;
      const events = await r.pubsub.listen(MEMBERSHIP_CHANGED, viewer.id);
      return live(ctx, events, (e) => membershipFromSnapshot(ctx.em, e), {
        wanted: (e) => e.memberId === viewer.id,
      });
    }),
  })
  membershipChanged(@Root() membership: Membership): Membership {
    return membership;
  }
}
