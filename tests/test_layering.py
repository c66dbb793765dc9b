"""The layers hold: the kernel (core) imports no domain app, and no domain app imports a site (portal, workbench).

An app the kernel needs something from registers it at start-up (its AppConfig.ready) instead; a page that
spans apps belongs to a site, and what a domain app shares with a site lives in the domain app.
"""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "yiwang"
DOMAIN = (
    "accounts",
    "catalog",
    "cases",
    "coordination",
    "credit",
    "desk",
    "evaluation",
    "hotline",
    "grid",
    "licences",
    "org",
    "publicity",
    "ratings",
    "registry",
    "supervision",
    "webhooks",
    "workflow",
)
SITES = ("portal", "workbench")
# Known exceptions, by module (none today): each must name the change that removes it.
ALLOWED: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module the file imports, anywhere in it (function-level imports included), relative ones resolved."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def _violations(apps: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    wrong = []
    for app in apps:
        for path in sorted((PACKAGE / app).rglob("*.py")):
            module = _module_name(path)
            for name in sorted(_imports(path)):
                for target in forbidden:
                    top = f"yiwang.{target}"
                    if (name == top or name.startswith(top + ".")) and (module, top) not in ALLOWED:
                        wrong.append(f"{module} imports {name}")
    return wrong


def test_the_scan_sees_imports():
    assert "yiwang.cases.models" in _imports(PACKAGE / "cases" / "selectors.py")  # `from .models import …`
    assert "yiwang.core.errors" in _imports(PACKAGE / "core" / "auth.py")


def test_core_imports_no_domain_app_nor_site_nor_config():
    assert _violations(("core",), (*DOMAIN, *SITES, "config")) == []


@pytest.mark.parametrize("app", DOMAIN)
def test_a_domain_app_imports_no_site(app):
    assert _violations((app,), SITES) == []
