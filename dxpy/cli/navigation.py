"""dx commands: navigation."""
COMMANDS = {}
