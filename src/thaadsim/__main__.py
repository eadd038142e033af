from thaadsim.cli import entry

entry()
