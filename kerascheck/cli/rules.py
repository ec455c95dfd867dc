"""``kerascheck rules`` (every rule, one line each) and ``kerascheck rule CODE`` (one rule's documentation)."""

from __future__ import annotations

import click


def fix_line(rule_class) -> str:
    """Whether the rule has a fix and whether it is safe, from the rule's own declarations."""
    from ..fix import has_fix

    if not has_fix(rule_class):
        return "Fix: none; change the code by hand."
    dynamic = rule_class.fix_safety_varies()
    if rule_class.fix_safety == "unsafe" and not dynamic:
        return "Fix: available, unsafe (it may change behaviour): applied only with --fix --unsafe-fixes."
    if dynamic:
        return ("Fix: available; safe in the cases `--fix` applies, unsafe in the others (applied only with "
                "--fix --unsafe-fixes).")
    return "Fix: available and safe: `kerascheck check --fix` applies it where the code allows."


@click.command("rules")
def list_rules() -> None:
    """List every rule: code, name, severity and what it finds."""
    from ..rules import RULES
    from ..rules.documentation import plain_text

    width = max(len(rule.name) for rule in RULES.values())
    for code, rule in RULES.items():
        click.echo(f"{code}  {rule.name:<{width}}  {rule.severity:<7}  {plain_text(rule.summary())}")


@click.command("rule")
@click.argument("code")
def show_rule(code: str) -> None:
    """Print the documentation of rule CODE (e.g. KC102)."""
    from ..rules import RULES

    rule = RULES.get(code.strip().upper())
    if rule is None:
        raise click.BadParameter(f"no rule {code}; see `kerascheck rules`", param_hint="CODE")
    severity = {"error": "error: Keras (or Python) raises at that line when the script runs",
                "info": "info: what the analysis could not do; never counted as a problem, never changes the "
                        "exit status"}.get(rule.severity, "warning: the script runs, but is almost certainly wrong")
    click.echo(f"{rule.name} ({rule.code})\n")
    click.echo(f"Severity: {severity}.")
    click.echo(fix_line(rule).replace("`", "") + "\n")
    click.echo(rule.plain_doc())
