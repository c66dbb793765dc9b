"""The `yiwang` operator command: a thin wrapper over manage.py with the platform's own verbs.

yiwang demo [--items N] [--no-serve]   migrate, load demo data, run web + worker on $YIWANG_BIND (127.0.0.1:8000)
yiwang serve [--bind ADDR] [--workers N]   the web server (gunicorn)
yiwang worker                          the background worker (django-tasks database queue)
yiwang import-catalog FILE.xlsx        import the catalog from Excel (all rows or nothing)
yiwang export-catalog [-o FILE.xlsx]   export the published catalog to Excel
yiwang catalog check-devolution [--item CODE] [--json]   放权同步 check of the published catalog; exits 1 on findings
yiwang import-hotline-categories FILE.xlsx   import the 12345 category tree from Excel (all rows or nothing)
yiwang export-hotline-categories [-o FILE.xlsx]   export the 12345 category tree to Excel
yiwang import-holidays FILE.yaml       enter a year's State Council holiday schedule (all days or nothing)
yiwang check [--deploy] [--fail-level WARNING]   Django's system checks, then the platform's own (database, SM3,
                                       demo secret, holiday data); accepts every option of manage.py check
yiwang audit verify                    check the audit hash chain
yiwang <any manage.py command>         e.g. yiwang migrate, yiwang createsuperuser
"""

import os
import sys

ALIASES = {
    "demo": "yiwang_demo",
    "serve": "yiwang_serve",
    "worker": "yiwang_worker",
    "import-catalog": "import_catalog",
    "export-catalog": "export_catalog",
    "catalog": "catalog",
    "import-hotline-categories": "import_hotline_categories",
    "export-hotline-categories": "export_hotline_categories",
    "import-holidays": "import_holidays",
    "check": "yiwang_check",
    "audit": "audit",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.config.settings.dev")
    if len(argv) < 2 or argv[1] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    if argv[1] == "demo":
        # The demo is what a new user judges the platform by: the pages a visitor would see (Chinese 404 and
        # 500, static files through whitenoise), not Django's debug pages. DEBUG=1 in the environment still wins.
        os.environ.setdefault("DEBUG", "0")
    argv[1] = ALIASES.get(argv[1], argv[1])
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
