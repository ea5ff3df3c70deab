// GraphQL Code Generator: typed documents (client preset) from the committed schema and the named operations
// every client shares. `npm run generate` after `make schema` or a change to clients/operations.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["../operations/*.graphql"],
  ignoreNoDocuments: false,
  emitLegacyCommonJSImports: false, // ".js" in relative imports, as Node's ES modules need
  generates: {
    // ASGARD_CODEGEN_OUT: elsewhere, for the test that fails when the committed files drift from their inputs
    [process.env.ASGARD_CODEGEN_OUT ?? "src/gql/"]: {
      preset: "client",
      // persisted-documents.json: hash -> document, the manifest ASGARD_TRUSTED_DOCUMENTS takes; each
      // document carries its hash (`__meta__.hash`) for AsgardClient's `persisted` mode
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { mode: "embedHashInDocument", hashAlgorithm: "sha256" },
      },
      config: {
        scalars: { DateTime: "string", JSON: "unknown", Long: "number" },
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
      },
    },
  },
};

export default config;
