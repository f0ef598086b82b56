"""The JSON Schema of the values file, for editors and `schema`: pydantic's, from the one model."""

from __future__ import annotations

import functools
import json
from typing import Any

from generator.schema.rules import RULES, Severity
from generator.schema.values import MANAGED_DIRECTIVES, Deployment


def values_schema() -> dict[str, Any]:
    """Pydantic's schema of the model, plus what `validate` judges that a JSON Schema can also say."""
    schema = Deployment.model_json_schema()
    # top-level ``x-...`` keys are the user's own (anchors to merge elsewhere), as in compose files
    schema["patternProperties"] = {"^x-": {}}
    properties = schema["properties"]
    properties["extra_directives"]["propertyNames"] = {"not": {"enum": sorted(MANAGED_DIRECTIVES)}}
    ignorable = sorted(rule.id for rule in RULES if rule.severity is Severity.WARNING)
    properties["ignore_rules"]["items"] = {"type": "string", "enum": ignorable}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "values.schema.json",
        "title": "Infisical Redis deployment values",
        **schema,
    }


@functools.cache
def values_json_schema() -> str:
    return json.dumps(values_schema(), indent=2, ensure_ascii=False) + "\n"
