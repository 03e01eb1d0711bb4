"""``python -m tests.support.jobs_server serve ...``: the real ``deskpilot`` command, with the
durability test's job handler registered on the default registry that the server's worker runs.
"""

from __future__ import annotations

from deskpilot.cli import main
from deskpilot.kit.jobs.registry import default_registry
from tests.support.jobs_tasks import register

if __name__ == "__main__":
    register(default_registry)
    main()
