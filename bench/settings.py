"""Benchmark settings: the production settings plus bench-only floor views (never in production URLs)."""

from ronghe.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
# The bench drives the server from 127.0.0.1 with many sessions; lockout never helps a measurement.
AXES_ENABLED = False
