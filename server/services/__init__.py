"""Services do the real work over Feast, pyiceberg and MLflow; they never import Strawberry."""
