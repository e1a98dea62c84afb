"""The parts of benchmarks/queue.py (the command), along what each does:

- generate: the cases, as CSV rows in the interchange format;
- build: the database, through the bulk import and set-based SQL;
- pages: the pages timed, through Django's test client;
- timing: medians, load average, the database's time to the last row (SqlClock), plans, the
  worker's upkeep jobs;
- printing: the report.

Named `queuebench`, not `queue`: a package or module named `queue` in benchmarks/ would hide the
standard library's, which Django's dependencies import. benchmarks/queue.py loads this package by
its path, so nothing here is imported from benchmarks/ on sys.path. Only the standard library is
imported at module level: PutRight and Django are imported inside the functions, after the
command has set up the environment (and helpdesk_side.py loads queue.py in a virtualenv without
PutRight, for SqlClock and load_average).
"""
