// The CLI entry of `graphql-codegen --config codegen.ts`; the config lives in sdk/ so the
// schema test can run the same generation.
export { codegenConfig as default } from './sdk/codegen.config.js';
