"""Every docstring example in the archive package runs, and passes.

Diff, normalise, hash, segment and parse functions are pure; their examples are the first
documentation a reader sees, so a drifted example is a bug.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import archive

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(archive.__path__, "archive.")
    # Migrations run inside Alembic only, and hold no examples.
    if not m.name.startswith(("archive.migrations", "archive.conftest"))
)


def test_the_pure_modules_are_all_collected() -> None:
    assert {"archive.diff", "archive.segment", "archive.simhash", "archive.normalize"} <= set(
        MODULES
    )


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_pass(name: str) -> None:
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report: list[str] = []
    for test in doctest.DocTestFinder().find(module):
        runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
