"""Benchmarks of Asgard against its peers, measured in the same run (python -m bench)."""
