"""Render bench/RESULTS.md from the accumulated results (bench/results.json)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

SIZES = (10_000, 100_000, 1_000_000)

HEADER = """# 融合 benchmark results

Written by `bench/run.py` (do not edit by hand; the analysis at the end is copied from `bench/ANALYSIS.md`).

- Machine: {machine}
- Written: {date}
- Reproduce: `make bench SIZE=10000` (both databases), `make bench SIZE=100000`, `make bench SIZE=1000000`
  (PostgreSQL only), or `bench/run.py --size N --db sqlite|postgres [--only WORKLOAD] [--rebuild]`.
- Pages go through waitress (one process, 16 threads) with 1 and 16 concurrent logged-in clients
  (http.client, session cookie). Floors are bench-only views (`bench/floors.py`, mounted by
  `bench/settings.py`) doing the same job as one indexed SQL query through the same middleware.
  Batch, import and export run in a fresh subprocess each time; peak RSS is that process's
  `ru_maxrss` (for pages: the server's VmHWM).
- Ratio = median ÷ floor median. Targets: page p95 ≤ 150 ms at 100k (1 client) and p95 at 1M ≤ 1.5 × p95 at 10k;
  batch ≤ 2 × floor; import ≤ 3 × calamine and RSS ≤ 500 MB; export ≤ 2 × xlsxwriter and RSS ≤ 300 MB.
  16-client rows are informational (2 cores). The API member page and the home, roster-first-page and
  我的积分 rows are also measured with 8 clients, with throughput, SQL statements per request (counted
  in-process, warm caches, the audit row included) and the server's CPU per request; their targets are
  median ≤ 2 × floor (1 client) and throughput ≥ 2 × the `--baseline` rows (8 clients). "load" is the 1-minute load average when the row was
  measured: other work on the machine (parallel test suites) inflates absolute times; ratios are
  measured in the same run and hold up better.

"""


def _ms(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:.1f} s" if v >= 10 else f"{v * 1000:.1f} ms"


def _num(v: float | None, unit: str, fmt: str = "{:.2f}") -> str:
    return "—" if v is None else fmt.format(v) + unit


FLAT = "p95 ≤ 1.5 × p95@10k"


def rejudge_flatness(rows: list[dict[str, Any]]) -> None:
    """A 1M page row is judged against the 10k row of the same workload as it stands now, whichever
    of the two was measured last (PostgreSQL's 10k row when that database has none)."""
    base = {(r["db"], r["workload"]): r for r in rows if r["size"] == 10_000}
    for r in rows:
        if r["size"] != 1_000_000 or r.get("target") != FLAT or r.get("p95") is None:
            continue
        ten = base.get((r["db"], r["workload"])) or base.get(("postgres", r["workload"]))
        if ten is None or ten.get("p95") is None:
            r["verdict"] = "INFO (no 10k result to compare)"
            continue
        verdict = "PASS" if r["p95"] <= 1.5 * ten["p95"] else "FAIL"
        r["verdict"] = f"{verdict} ({r['p95'] / ten['p95']:.2f} × the 10k p95, {ten['p95'] * 1000:.1f} ms)"


def _costs(r: dict[str, Any]) -> str:
    """Throughput, SQL statements and the server's CPU per request, where measured (issue 19)."""
    parts = []
    if r.get("throughput"):
        parts.append(f"{r['throughput']:.0f} req/s")
    if r.get("statements") is not None:
        parts.append(f"{r['statements']} SQL/request")
    if r.get("cpu_ms") is not None:
        parts.append(f"{r['cpu_ms']:.1f} ms CPU/request")
    return f" — {', '.join(parts)}" if parts else ""


def render(rows: list[dict[str, Any]], machine: str) -> str:
    rejudge_flatness(rows)
    out = [HEADER.format(machine=machine, date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))]
    out.append("## Results\n")
    out.append(
        "| size | db | workload | median | p95 | floor | ratio | peak RSS | target | verdict | load | measured (UTC) |"
    )
    out.append("|---:|---|---|---:|---:|---:|---:|---:|---|---|---:|---|")
    for r in rows:
        verdict = r["verdict"] + (f" — {r['note']}" if r.get("note") else "") + _costs(r)
        out.append(
            f"| {r['size']:,} | {r['db']} | {r['workload']} | {_ms(r['median'])} | {_ms(r['p95'])} | "
            f"{_ms(r['floor'])} | {_num(r['ratio'], '×')} | {_num(r['rss_mb'], ' MB', '{:.0f}')} | "
            f"{r['target'] or '—'} | {verdict} | {r.get('load', '—')} | {r['date']} |"
        )
    out.append("\n## Scaling (p95; ratio to floor in brackets)\n")
    out.append("| db | workload | 10k | 100k | 1M | 1M ÷ 10k |")
    out.append("|---|---|---:|---:|---:|---:|")
    by_key: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
    for r in rows:
        if r["median"] is None:
            continue
        by_key.setdefault((r["db"], _generic(r["workload"])), {})[r["size"]] = r
    for (db, workload), per_size in sorted(by_key.items()):
        cells = []
        for size in SIZES:
            r = per_size.get(size)
            if r is None:
                cells.append("—")
            else:
                ratio = f" ({r['ratio']:.1f}×)" if r.get("ratio") else ""
                cells.append(_ms(r["p95"]) + ratio)
        growth = "—"
        if 10_000 in per_size and 1_000_000 in per_size and per_size[10_000]["p95"]:
            growth = f"{per_size[1_000_000]['p95'] / per_size[10_000]['p95']:.2f}×"
        out.append(f"| {db} | {workload} | {' | '.join(cells)} | {growth} |")
    analysis = Path(__file__).with_name("ANALYSIS.md")
    if analysis.exists():
        out.append("")
        out.append(analysis.read_text(encoding="utf-8").strip())
    out.append("")
    return "\n".join(out)


def _generic(workload: str) -> str:
    """Workload names carry size-dependent details (deep page number, search name); group without them."""
    import re

    name = re.sub(r"(deep|last) page \d+", r"\1 page N", workload)
    return re.sub(r"name '[^']*'", "name", name)
