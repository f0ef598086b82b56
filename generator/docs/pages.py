"""Every page under ``docs/reference/``, each rendered from its template and view."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.docs.cli_help import cli_view
from generator.docs.examples import example_view
from generator.docs.modes import modes_view
from generator.docs.monitoring import PAGE as MONITORING_PAGE
from generator.docs.monitoring import monitoring_page
from generator.docs.nav import NAV_FILE, nav_yaml
from generator.docs.rules import rule_view
from generator.docs.server_lines import PAGE as VERSIONS_PAGE
from generator.docs.server_lines import versions_page
from generator.docs.sizing import sizing_view
from generator.docs.values_file import values_file_view
from generator.docs.variables import variables_view
from generator.render.output import Example
from generator.render.templates import render_template
from generator.schema.rules import RULES


def reference_pages(root: Path, examples: list[Example], parser: argparse.ArgumentParser) -> dict[str, str]:
    """Every page under ``docs/reference/``: file name relative to it -> Markdown text."""
    example_views = sorted((example_view(example) for example in examples), key=lambda e: e.reading_order)
    pages = {
        "variables.md": render_template("docs/variables.md.j2", view=variables_view()),
        "modes.md": render_template("docs/modes.md.j2", modes=modes_view()),
        "sizing.md": render_template("docs/sizing.md.j2", view=sizing_view()),
        "values-file.md": render_template(
            "docs/values-file.md.j2", view=values_file_view(example_views[0].name if example_views else "")
        ),
        "cli.md": render_template("docs/cli.md.j2", view=cli_view(parser)),
        "rules/index.md": render_template("docs/rules-index.md.j2", rules=[rule_view(r) for r in RULES]),
    }
    for rule in RULES:
        pages[f"rules/{rule.id}.md"] = render_template("docs/rule.md.j2", rule=rule_view(rule))
    for example in example_views:
        pages[f"examples/{example.name}.md"] = render_template("docs/example.md.j2", example=example)
    pages[MONITORING_PAGE] = monitoring_page([example.name for example in example_views])
    pages[VERSIONS_PAGE] = versions_page()
    pages[NAV_FILE] = nav_yaml([example.name for example in example_views])
    return dict(sorted(pages.items()))
