"""Resolvers: turn GraphQL arguments into service calls and service results into types."""
