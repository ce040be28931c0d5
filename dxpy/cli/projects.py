"""dx commands: projects."""
COMMANDS = {}
