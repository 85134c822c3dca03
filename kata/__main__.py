from kata.cli import entry

entry()
