"""Every docstring example in gongkai's packages runs as a test, so none drifts from what the
code returns."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ("archive", "crawler", "scheduler")
# Imported only by Alembic or as a program, not as library modules.
SKIP = ("archive.migrations", "crawler.portal.__main__")


def modules() -> list[str]:
    names = []
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if not info.name.startswith(SKIP):
                names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", modules())
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
