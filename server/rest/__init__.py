"""The deprecated REST API of the platform Asgard replaces, served as a thin layer over GraphQL.

Every route runs its GraphQL twin through the app's schema, with the caller's principal, so roles,
limits and error masking are the GraphQL ones; the routes only rename fields and reshape results.
"""
