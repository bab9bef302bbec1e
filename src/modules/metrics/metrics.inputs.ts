import { Field, Float, ID, InputType } from 'type-graphql';
import { EventType } from './metrics.types.js';

@InputType()
export class TrackEventInput {
  @Field(() => ID, { description: 'Client-generated; an id seen before is counted once.' })
  id!: string;

  @Field(() => EventType)
  type!: EventType;

  @Field(() => ID)
  contentId!: string;

  @Field(() => Float, {
    nullable: true,
    description:
      "WATCH only: seconds watched since this client's previous WATCH event for the content.",
  })
  watchSeconds?: number | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Defaults to the time of arrival; at most 24 hours old, at most a minute ahead.',
  })
  occurredAt?: Date | null;
}
