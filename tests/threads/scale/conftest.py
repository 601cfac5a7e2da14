from tests.threads.ui.conftest import anna, pok_a  # noqa: F401 - the same shop and staff member as the UI tests
