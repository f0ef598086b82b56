pytest_plugins = ["tests.realserver.fixtures"]
