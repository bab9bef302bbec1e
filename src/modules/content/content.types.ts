import { Field, Int, ObjectType } from 'type-graphql';
import { Comment } from './comment.entity.js';
import { Content } from './content.entity.js';
import { PageInfo } from '../../infra/pagination.js';

@ObjectType()
export class ContentEdge {
  @Field(() => String)
  cursor!: string;
  @Field(() => Content)
  node!: Content;
}

@ObjectType()
export class ContentConnection {
  @Field(() => [ContentEdge])
  edges!: ContentEdge[];
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
  @Field(() => Int)
  totalCount!: number;
}

@ObjectType()
export class CommentEdge {
  @Field(() => String)
  cursor!: string;
  @Field(() => Comment)
  node!: Comment;
}

@ObjectType()
export class CommentConnection {
  @Field(() => [CommentEdge])
  edges!: CommentEdge[];
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
  @Field(() => Int)
  totalCount!: number;
}
