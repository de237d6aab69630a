"""Shared pieces of the command line: consoles, error handling, progress bars and output."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from echallan.errors import EchallanError
from echallan.settings import Settings

out = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of a table.")]
# Where challans are booked: the series' state and district, and the fines in force.
StateOpt = Annotated[str, typer.Option(help="State code in challan numbers; picks the state's fines.")]
DistrictOpt = Annotated[str, typer.Option(help="District code in challan numbers.")]
FinesOpt = Annotated[
    Path | None, typer.Option(help="Fines TOML (default: the packaged central MV Act table).")
]


def cli_errors(fn: F) -> F:
    """Print echallan errors as one line on stderr and exit 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except EchallanError as e:
            report(str(e))
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def settings(ctx: typer.Context) -> Settings:
    assert isinstance(ctx.obj, Settings)
    return ctx.obj


@contextmanager
def progress_bar(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr; yields ``advance_to(n)``."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total or None)
        yield lambda n: bar.update(task, completed=n + 1)


def print_json_lines(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        print(json.dumps(row, ensure_ascii=False, default=str))


def print_rows(title: str, rows: list[dict[str, Any]], as_json: bool) -> None:
    """A listing: one JSON object per line with --json, else a table titled ``title``."""
    if as_json:
        print_json_lines(rows)
    else:
        print_table(title, rows)


def print_table(title: str, rows: list[dict[str, Any]]) -> None:
    table = Table(title=title)
    for key in rows[0] if rows else []:
        table.add_column(key)
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    out.print(table if rows else f"{title}: none")


def report(message: str) -> None:
    """One line on stderr, for errors that do not stop a batch."""
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
