"""Local execution of the emulator's jobs: :class:`~.runner.JobRunner` (threads and processes),
:mod:`.lifecycle` (the platform's state rules), :mod:`.jobhome` (a job's home and environment)
and :mod:`.launcher` (what runs inside a job's process)."""
