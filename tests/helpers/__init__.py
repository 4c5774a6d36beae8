"""Builders shared by tests, always imported as `from tests.helpers.<module> import …`."""
