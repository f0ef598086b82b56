"""The JSON Schema of the values file, for editors and `schema`: pydantic's, from the one model."""

from __future__ import annotations

import json
from typing import Any

from generator.schema.values import Deployment


def values_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "values.schema.json",
        "title": "Infisical Redis deployment values",
        **Deployment.model_json_schema(),
    }


def values_json_schema() -> str:
    return json.dumps(values_schema(), indent=2, ensure_ascii=False) + "\n"
