from tests.coordination.licensing import new_shop  # noqa: F401  (fixture)
