import subprocess
import sys


def test_the_terms_package_never_imports_django():
    code = (
        "import sys, casedesk.terms, casedesk.terms.show; "
        "casedesk.terms.default_terms(); "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
