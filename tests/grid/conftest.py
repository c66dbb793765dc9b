import pytest

from yiwang.accounts.models import User


@pytest.fixture
def grid_worker(db):
    """南洲街道's 网格员 (accounts.demo): grid_worker over 440105001."""
    return User.objects.get(username="hz-grid-worker")


@pytest.fixture
def operator(db):
    """海珠区's 12345 operator: grid_view over the whole district."""
    return User.objects.get(username="hz-12345-operator")
