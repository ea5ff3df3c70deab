"""The GraphQL schema's types, inputs, payloads and enums; `server.schema.build` assembles the schema."""
