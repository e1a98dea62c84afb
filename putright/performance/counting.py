"""Several COUNTs in one round trip to the database.

A page that shows a handful of small counts from different tables (the queue's worklist
banners: Ombudsman orders, reviews, hazards) made one query each. Each count here is the same
SQL as ``queryset.count()`` would send, as a scalar subquery of one SELECT, so the database does
the same work and the page makes one query instead of ten.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def count_each(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """``{name: queryset.count()}`` for every queryset, in one query (all on one database). A
    value may also be a count kept by triggers (`putright.performance.casecounts.Kept`)."""
    if not querysets:
        return {}
    from putright.performance.casecounts import Kept

    using = next((qs.db for qs in querysets.values() if not isinstance(qs, Kept)), "default")
    connection = connections[using]
    parts, params, empty = [], [], set()
    same: dict[str, str] = {}  # name -> the earlier name with the very same query (counted once)
    seen: dict[tuple, str] = {}
    for i, (name, qs) in enumerate(querysets.items()):
        if isinstance(qs, Kept):  # a count kept by triggers: its rows added up
            sql, inner_params = qs.as_sql()
            parts.append(sql)
            params.extend(inner_params)
            continue
        if qs.db != using:
            raise ValueError("count_each: every queryset must use the same database")
        if qs.query.is_sliced:
            raise ValueError(f"count_each: {name} is sliced; count the whole queryset")
        try:
            sql, inner_params = qs.order_by().values("pk").query.get_compiler(using=using).as_sql()
        except EmptyResultSet:  # .none(), or a filter that can match nothing
            empty.add(name)
            continue
        key = (sql, tuple(inner_params))
        if key in seen:  # the queue's total is often one of its deadline counts
            same[name] = seen[key]
            continue
        seen[key] = name
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) {connection.ops.quote_name(f'counted_{i}')})")
        params.extend(inner_params)
    row = []
    if parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            row = list(cursor.fetchone())
    counted = iter(row)
    out: dict[str, int] = {}
    for name in querysets:
        out[name] = 0 if name in empty else out[same[name]] if name in same else int(next(counted))
    return out
