from tests.console.conftest import now  # noqa: F401 - the pinned Monday of the console tests
