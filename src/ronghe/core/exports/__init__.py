"""Exports too big for a page view: built by the task worker, listed on 我的导出, downloaded when ready.

`jobs` holds the one mechanism (registry, queue, the background build, progress, expiry); an app
registers each export kind with `jobs.register` from its `AppConfig.ready()` and answers the export
button with `core.downloads.export_response`, which builds a small export at once and queues a big one.
"""
