"""docs/spec.md is the product specification that "spec 9.2" in a comment refers to: a copy kept in sync."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_SPEC = ROOT.parent / "shared" / "spec" / "crm-spec.md"


@pytest.mark.skipif(not SHARED_SPEC.parent.parent.is_dir(), reason="no ../shared next to the project")
def test_docs_spec_is_the_shared_specification():
    assert (ROOT / "docs" / "spec.md").read_bytes() == SHARED_SPEC.read_bytes(), (
        f"docs/spec.md differs from {SHARED_SPEC}: copy it again"
    )
