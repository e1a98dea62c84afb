import pytest

from putright.letters.tests import factories as lf


@pytest.fixture
def make_draft(handler, other_handler, resident):
    """make_draft(kind): a complete draft of `kind` on a case made through the actions."""

    def make(kind):
        return lf.draft(kind, handler=handler, stage2_handler=other_handler, resident=resident)

    return make


@pytest.fixture
def issuer(handler, other_handler):
    """The member of staff who issues a letter of `kind` (stage 2 letters: the stage 2 handler)."""

    def pick(kind):
        return other_handler if kind.startswith("stage2") else handler

    return pick
