"""dx commands: describing."""
COMMANDS = {}
