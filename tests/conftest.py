pytest_plugins = ["tests.realserver.fixtures", "tests.venvs"]
