"""dx commands: data."""
COMMANDS = {}
