"""The `concierge` command: Django's management commands plus Concierge's own (demo, serve, worker, …)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["concierge", *sys.argv[1:]])


if __name__ == "__main__":
    main()
