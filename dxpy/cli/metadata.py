"""dx commands: metadata."""
COMMANDS = {}
