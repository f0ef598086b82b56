"""Rule modules load when a subject they judge is first judged: the table that says which module judges which
kind of subject must name every module and every kind its predicates take, or a rule would silently not run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.rules import engine, load_all_rules

RULES_DIR = Path(engine.__file__).parent


def test_every_rule_module_is_in_the_table() -> None:
    modules = {p.stem for p in RULES_DIR.glob("*.py")} - {"__init__", "engine"}
    named = {m for names in engine.RULE_MODULES.values() for m in names}
    assert modules == named


def test_every_predicate_is_loaded_with_the_kind_of_subject_it_judges_in_every_scope_of_its_rule() -> None:
    for rule_id, entries in load_all_rules().items():
        for entry in entries:
            module = entry.judge.__module__.removeprefix("generator.rules.")
            if module.startswith(("tests", "test_")):
                continue  # a test's own predicate
            assert module in engine.rule_modules(entry.subject), (rule_id, module)
            for scope in entry.rule.scopes:
                assert module in engine.rule_modules(entry.subject, scope), (rule_id, module, scope)


def test_validate_loads_no_compose_rule_and_check_of_a_conf_no_values_rule() -> None:
    code = (
        "import sys\n"
        "from generator.cli.main import main\n"
        "main(sys.argv[1:])\n"
        "print(sorted(m for m in sys.modules if m.startswith('generator.rules.')))\n"
    )
    root = RULES_DIR.parent.parent
    validate = subprocess.run(
        [sys.executable, "-c", code, "validate", "examples/standalone.yaml"], cwd=root, capture_output=True, text=True
    )
    assert "generator.rules.config" in validate.stdout
    assert "generator.rules.compose" not in validate.stdout
    assert "generator.rules.charts" not in validate.stdout
    conf = root / "build" / "standalone" / "redis.conf"
    check = subprocess.run([sys.executable, "-c", code, "check", str(conf)], cwd=root, capture_output=True, text=True)
    assert "generator.rules.config" in check.stdout
    assert "generator.rules.values" not in check.stdout
