import pytest

from tests.stats import dataset


@pytest.fixture
def helpdesk(db):
    return dataset.build()
