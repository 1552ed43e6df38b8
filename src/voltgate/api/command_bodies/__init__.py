"""The bodies of the commands of each functional block (the first commands and the command
record are in `api.command_schemas`). Each body says which domain command it stands for
(`command`); the dialect of the station's version spells it."""
