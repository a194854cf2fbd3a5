"""City scale (issue 20): several `ouderbrug run` processes share the schools of one installation.

- `leases.py`: the lease of each school in the database (acquire, renew, release, with an epoch);
- `fence.py`: a school's bot sends only while its lease is surely still this process's;
- `coordinator.py`: each process's `Coordinator` keeps its fair share of the schools, starts and
  stops their bots through a `SchoolRunner` (polling: bot/runtime.py `PollingRunner`).
"""
