"""Background jobs: every Huey task run recorded in `job_run`, shown on the admin page.

Other areas enqueue through `app.jobs.api` and describe their tasks there (Vietnamese label,
quiet or not); recording happens once, in Huey's signals (`app.jobs.recorder`)."""
