"""The states of executions (jobs and analyses)."""

# States an execution never leaves
TERMINAL_STATES = ("done", "failed", "terminated")
