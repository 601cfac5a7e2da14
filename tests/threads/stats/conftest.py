import pytest

from tests.threads.stats import dataset


@pytest.fixture
def helpdesk(db):
    return dataset.build()
