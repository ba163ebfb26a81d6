"""Test settings: fast hasher, immediate tasks, a throwaway data directory."""

import os
import tempfile

os.environ.setdefault("RONGHE_DATA_DIR", tempfile.mkdtemp(prefix="ronghe-test-"))

from ronghe.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
