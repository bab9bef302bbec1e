import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { PerViewer } from '../../infra/shared-execution.js';
import { User } from '../accounts/index.js';
import { messageCursor } from './chat.validation.js';
import { ConversationMember } from './conversation-member.entity.js';

@Resolver(() => ConversationMember)
export class ConversationMemberResolver {
  @FieldResolver(() => User)
  user(@Root() member: ConversationMember): Promise<User> {
    return member.user.loadOrFail();
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Cursor of the last message this member has read.',
  })
  lastReadCursor(@Root() member: ConversationMember): string | null {
    return member.lastReadSeq > 0 ? messageCursor(member.lastReadSeq) : null;
  }

  @PerViewer()
  @FieldResolver(() => Boolean)
  online(@Root() member: ConversationMember, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.loaders.chat.online.load(member.user.id);
  }
}
