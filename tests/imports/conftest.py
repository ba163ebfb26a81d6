# The browser journey fixture (desktop and phone, console/CSP checks) shared with tests/browser.
from tests.browser.conftest import chromium, journey  # noqa: F401
