import { Field, ObjectType } from 'type-graphql';
import { ApiKey } from './api-key.entity.js';

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey!: ApiKey;
  @Field(() => String, { description: 'The whole key. Shown once: only a hash of it is stored.' })
  secret!: string;
}
