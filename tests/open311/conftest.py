from tests.hotline.conftest import haizhu, operator, take  # noqa: F401  (the hotline's fixtures, shared)
