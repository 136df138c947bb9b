"""Command-line entry points of the crawler side."""
