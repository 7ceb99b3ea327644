"""Background jobs: rows in the job table, run by `incidents worker` processes (docs/jobs.md).

    from incidents.jobs import JobContext, enqueue, job_kind
"""

from incidents.jobs.registry import job_kind
from incidents.jobs.service import LeaseLost, enqueue
from incidents.jobs.worker import JobContext

__all__ = ["JobContext", "LeaseLost", "enqueue", "job_kind"]
