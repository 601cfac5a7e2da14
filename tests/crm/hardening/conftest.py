from tests.threads.ui.conftest import anna, anna_client, bob, pok_a, pok_b  # noqa: F401 (fixtures)
