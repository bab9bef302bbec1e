import { Field, InputType, Int } from 'type-graphql';
import { ApiScope } from '../../infra/api-scopes.js';

@InputType()
export class CreateOrganizationInput {
  @Field(() => String, { description: '1 to 100 characters.' })
  name!: string;
  @Field(() => String, {
    description: '3 to 30 lower-case letters, digits or underscores: also the profile handle.',
  })
  slug!: string;
}

@InputType()
export class CreateApiKeyInput {
  @Field(() => String, { description: '1 to 100 characters.' })
  name!: string;
  @Field(() => [ApiScope])
  scopes!: ApiScope[];
  @Field(() => Int, { nullable: true, description: 'Default 600, at most 6 000.' })
  rateLimitPerMinute?: number | null;
  @Field(() => Date, { nullable: true })
  expiresAt?: Date | null;
}
