import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class SendMessageInput {
  @Field(() => ID)
  conversationId!: string;
  @Field(() => String, { description: '1 to 4 000 characters (trimmed).' })
  body!: string;
  @Field(() => ID, { nullable: true, description: 'A message of the same conversation.' })
  replyToId?: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'Client-chosen id; sending the same clientMessageId again returns the first message instead of a duplicate.',
  })
  clientMessageId?: string | null;
}
