"""The gongkai command line: the root group and the scheduler's commands."""
