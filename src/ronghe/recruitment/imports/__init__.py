"""Import of people already in the pipeline (申请人, 积极分子, 发展对象) with their recorded dates.

    columns  the headers each fact is found under (pure)
    rows     parse and check each row against the §3 rules; the preview and commit passes

Registered with `core.imports.jobs` under the kind "recruitment" (the page runs it in the
background like the roster import); `ronghe import_recruitment` calls the same passes.
"""

from __future__ import annotations

from ronghe.recruitment.imports.rows import KIND, commit, preview

__all__ = ["KIND", "commit", "preview"]
