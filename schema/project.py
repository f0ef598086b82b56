"""Where the project's documentation lives; finding links and mkdocs.yml's site_url agree on it."""

DOCS_URL = "https://infisical-redis-config.readthedocs.io/en/latest/"


def rule_docs_url(rule_id: str) -> str:
    return f"{DOCS_URL}reference/rules/{rule_id}/"
