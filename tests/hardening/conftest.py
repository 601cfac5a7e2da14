from tests.ui.conftest import anna, bob, pok_a, pok_b  # noqa: F401 (fixtures)
