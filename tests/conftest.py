pytest_plugins = ["tests.records_fixtures"]
