"""Pictures and data the docs site draws when it is built: the durability chart, the topology diagram of each
example, and the configurator's files, all rendered by the real generator (see ``hooks.py``, which mkdocs runs)."""
