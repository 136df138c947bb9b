"""pytest settings for `pytest --doctest-modules archive/`.

env.py only runs inside an Alembic migration (it reads the connection Alembic was handed),
so it is not imported for doctest collection.
"""

collect_ignore = ["migrations/env.py"]
