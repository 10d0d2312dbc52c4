import pytest

from members.models import User
from tests.privacy.people import make_zebedeo


@pytest.fixture
def zebedeo() -> User:
    """A person with a row of every kind (see people.make_zebedeo)."""
    return make_zebedeo()
