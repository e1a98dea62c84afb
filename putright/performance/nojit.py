"""PostgreSQL's just-in-time compilation, off for every connection PutRight opens (decision 0028).

PostgreSQL compiles a statement's expressions to machine code when its estimated cost passes
`jit_above_cost` (100,000 by default). That pays for queries that run for seconds; PutRight's run
for a few milliseconds, and compiling one cost 0.9-2.0 s in the test suite (the queue's counting
statement, planned generic on tables without statistics) and up to 85 ms a report figure at a
million cases. So a new connection sets `jit = off` for its whole session: one statement when a
connection opens (a web worker keeps its connection for a minute), none a request. Before, only
the reports' and the self-assessment's transactions turned it off.
"""

from __future__ import annotations


def turn_off(sender, connection, **kwargs) -> None:
    """`connection_created`'s receiver: on PostgreSQL, no just-in-time compilation this session."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
