"""What keeps PutRight fast at a million cases (docs/performance.md): the database's own
statistics, kept up to date by PutRight itself (`statistics`), and counts kept by day for the
reports (`tallies`)."""
