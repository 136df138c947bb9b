"""The archive's CLI commands: runs, query, show, history, diff."""
