import { User } from './modules/accounts/index.js';
import { Comment, Content, ContentTag, Like } from './modules/content/index.js';
import {
  Block,
  Conversation,
  ConversationMember,
  Message,
  Reaction,
} from './modules/chat/index.js';
import { MetricEvent, MetricRollup, ViewMark } from './modules/metrics/index.js';

/** Every MikroORM entity, in one list (discovery does not scan folders). */
export const entities = [
  User,
  Content,
  ContentTag,
  Like,
  Comment,
  Conversation,
  ConversationMember,
  Message,
  Reaction,
  Block,
  MetricEvent,
  ViewMark,
  MetricRollup,
];
