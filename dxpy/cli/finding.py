"""dx commands: finding."""
COMMANDS = {}
