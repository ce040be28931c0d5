"""Session commands (placeholder module, filled in next)."""
COMMANDS = {}
