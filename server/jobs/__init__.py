"""Training jobs: a job table (SQLite or PostgreSQL), and a runner that executes scripts."""
