export { AsgardClient, AsgardRequestError } from "./client.js";
export type { AsgardClientOptions, GraphQLErrorEntry } from "./client.js";
export * from "./gql/graphql.js";
