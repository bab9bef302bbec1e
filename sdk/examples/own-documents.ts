// A document of your own, typed by graphql-codegen's client preset against the published
// schema (see "Your own documents" in ../README.md; the codegen configuration is in
// ../codegen.config.ts): `graphql()` returns a typed document, and `request` infers both
// the variables and the result from it.
// Run: MARQUEE_API_KEY=mq_… npx tsx own-documents.ts
import { graphql } from './gql/index.js';
import { client } from './env.js';

const TopStories = graphql(`
  query TopStories($first: Int!) {
    contents(first: $first, orderBy: MOST_VIEWED) {
      edges {
        node {
          id
          title
          viewCount
          author {
            handle
          }
        }
      }
    }
  }
`);

const api = client();
const { contents } = await api.request(TopStories, { first: 5 });
for (const { node } of contents.edges) {
  console.log(`${node.viewCount} ${node.title} (@${node.author.handle})`);
}
await api.close();
