"""Local execution of the emulator's jobs: :class:`~.runner.JobRunner` (threads and processes),
:mod:`.lifecycle` (the platform's state rules) and :mod:`.jobhome` (a job's home and environment;
its process starts through :mod:`dxpy.utils.job_launcher`, as local runs' do)."""
