"""The real server's settings for the load tests: production code, but the schema made from the models
(`migrate --run-syncdb`) instead of replaying every migration, which alone took longer than a test
may (migrations are exercised by tests/deploy and each app's migration tests)."""

from ronghe.settings import *  # noqa: F403
from ronghe.settings import INSTALLED_APPS

MIGRATION_MODULES = {app.rsplit(".", 1)[-1]: None for app in INSTALLED_APPS}

# Argon2 (100 MiB, ~1 s per hash on a busy 2-core CI machine) would make 80 hashes the whole test; the
# lock behaviour under test is the same with a cheap hash, as in tests/settings.py.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
