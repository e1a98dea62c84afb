"""Settings for the test suite: the production settings in demo mode.

The tests run as the demo does (its public key, cookies over plain HTTP, console email unless a
test points Django at its own SMTP server), so they need no secrets. Tests of the production
settings themselves start `putright` in a subprocess with PUTRIGHT_DEMO=0 and a secret key
(putright/operations/tests/test_settings.py).
"""

import os

os.environ["PUTRIGHT_DEMO"] = "1"

from putright.settings import *  # noqa: E402,F403

# Every test sees the landlord settings it wrote (putright/accounts/context.py keeps them for 10
# seconds in production; its own test turns that on).
PUTRIGHT_LANDLORD_CACHE_SECONDS = 0
# Likewise the second-factor check (putright/twofactor/kept.py keeps it 30 seconds in production;
# putright/twofactor/tests/test_kept.py turns that on).
PUTRIGHT_SECOND_FACTOR_RECHECK_SECONDS = 0
