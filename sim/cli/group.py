"""The ``mediate`` command group: with no command it opens the TUI."""

from __future__ import annotations

import click


class DefaultPlayGroup(click.Group):
    """`mediate` with no command opens the TUI (same as `mediate play`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args:
            args = ["play"]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultPlayGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mediate-sim", prog_name="mediate")
def main() -> None:
    """mediate: play the mediator between parties drawn from real reporting.

    With no command, opens the TUI on the bundled scenario.

    \b
    Examples:
      mediate play --seed 7                         the same game for the whole class
      mediate run energy-truce-2025-03 --script history   what the US actually did
      mediate batch energy-truce-2025-03 --policy incremental --runs 2000 --workers 2
      mediate new my.yaml && mediate validate my.yaml && mediate analyze my.yaml
    """

