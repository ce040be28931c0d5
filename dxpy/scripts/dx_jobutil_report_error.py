"""dx-jobutil-report-error: write ``~/job_error.json`` and exit non-zero, failing the job."""
import argparse

from .job_files import write_job_error

DESCRIPTION = ("Creates job_error.json in your home directory, a JSON file to include the error type and message "
               "for the running job.  There are two types of errors you may report: 1) AppError (the default) for "
               "recognized actionable errors, and 2) AppInternalError for unexpected application errors.")


def build_parser():
    parser = argparse.ArgumentParser(prog="dx-jobutil-report-error", description=DESCRIPTION)
    parser.add_argument("message", help="Error message for the job")
    parser.add_argument("type", nargs="?", default="AppError", choices=["AppInternalError", "AppError"],
                        help="Error type")
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    write_job_error(args.type, args.message)
    parser.exit(1, "Exiting with nonzero exit code to report error\n")


if __name__ == "__main__":
    main()
